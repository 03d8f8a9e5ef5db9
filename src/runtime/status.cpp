#include "runtime/status.hpp"

namespace runz::runtime {
namespace {

std::string refusal(Verb verb, Status status, std::string_view id) {
  const std::string state(spec::to_string(status));
  switch (verb) {
    case Verb::Start:
      if (status == Status::Stopped) return "cannot start a container that has stopped";
      if (status == Status::Running) return "cannot start an already running container";
      return "cannot start a container in the " + state + " state";
    case Verb::Kill:
    case Verb::Pause:
    case Verb::Update:
      return "container not running";
    case Verb::Resume:
      return "container not paused";
    case Verb::Delete:
      return "cannot delete container " + std::string(id) + " that is not stopped: " + state;
  }
  return "cannot " + std::string(to_string(verb)) + " a container in the " + state + " state";
}

}  // namespace

std::string_view to_string(Verb verb) {
  switch (verb) {
    case Verb::Start: return "start";
    case Verb::Kill: return "kill";
    case Verb::Delete: return "delete";
    case Verb::Pause: return "pause";
    case Verb::Resume: return "resume";
    case Verb::Update: return "update";
  }
  return "?";
}

bool allows(Verb verb, Status status) {
  switch (verb) {
    case Verb::Start: return can_start(status);
    case Verb::Kill: return can_kill(status);
    case Verb::Delete: return can_delete(status);
    case Verb::Pause: return can_pause(status);
    case Verb::Resume: return can_resume(status);
    case Verb::Update: return can_update(status);
  }
  return false;
}

StatusError::StatusError(Verb verb, Status status, std::string_view id)
    : Error(refusal(verb, status, id), ErrorKind::FailedPrecondition), verb_(verb), status_(status) {}

void require(Verb verb, Status status, std::string_view id) {
  if (!allows(verb, status)) throw StatusError(verb, status, id);
}

}  // namespace runz::runtime
