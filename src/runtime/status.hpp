// The container state machine: which lifecycle verb each status allows, and runc's message when it does not.
//
//   creating ──create done──▶ created ──start──▶ running ──pause──▶ paused
//                                │                  │    ◀─resume──   │
//                                └──────────────────┴──exit/kill──────┴──▶ stopped ──delete──▶ (gone)
//
// The status itself is never read back from state.json alone: container_load.cpp re-derives it from facts
// (monitor pid + start time alive, exit recorded).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "spec/state.hpp"

namespace runz::runtime {

using spec::Status;

// The verbs whose legality depends on the status.
enum class Verb { Start, Kill, Delete, Pause, Resume, Update };

std::string_view to_string(Verb verb);

constexpr bool can_start(Status s) { return s == Status::Created; }
// runc signals created, running and paused containers; a stopped one has nothing left to signal.
constexpr bool can_kill(Status s) { return s == Status::Created || s == Status::Running || s == Status::Paused; }
// Without --force. runc also deletes a created container (it kills the never-started process first).
constexpr bool can_delete(Status s) { return s == Status::Stopped || s == Status::Created; }
constexpr bool can_pause(Status s) { return s == Status::Running || s == Status::Created; }
constexpr bool can_resume(Status s) { return s == Status::Paused; }
// update and events --stats: while the zone is there
constexpr bool can_update(Status s) { return s == Status::Created || s == Status::Running || s == Status::Paused; }

bool allows(Verb verb, Status status);

// Refused transition, with runc's wording:
//   start:  "cannot start a container that has stopped" / "cannot start an already running container" /
//           "cannot start a container in the paused state"
//   kill, pause: "container not running"      resume: "container not paused"
//   delete: "cannot delete container ID that is not stopped: running"
// Its kind is FailedPrecondition.
class StatusError : public Error {
 public:
  StatusError(Verb verb, Status status, std::string_view id);
  Verb verb() const noexcept { return verb_; }
  Status status() const noexcept { return status_; }

 private:
  Verb verb_;
  Status status_;
};

// Throws StatusError unless `verb` is allowed in `status`.
void require(Verb verb, Status status, std::string_view id);

}  // namespace runz::runtime
