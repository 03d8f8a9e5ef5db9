// A container process as the agent tracks it, from fork at CREATE/EXEC to EXIT. The child is forked at once,
// so setup errors come back at CREATE time; it then holds before execve until START (CREATE) or execs at
// once (EXEC). Life cycle and what the host hears:
//   kSetup   --child reports "held"-->  kHeld      (CREATED {pid})
//   kHeld    --START-->                 kStarting
//   kStarting/kSetup(EXEC) --report pipe closes on exec--> kRunning (STARTED {pid})
//   any      --ERROR frame on the report pipe--> kFailed (ERROR; EXIT follows only if CREATED was sent)
// EXIT {status[, signal]} goes out once the process was reaped and its output reached EOF (or
// kStdioDrainAfterExitMs passed after the exit, for output held open by a leftover background process).
#pragma once

#include "agent-proto/decoder.hpp"
#include "common/fd.hpp"
#include "guest/process_setup.hpp"
#include "guest/stdio_relay.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>

namespace runz::guest {

inline constexpr std::chrono::milliseconds kStdioDrainAfterExitMs{1000};
// A process still in setup this long after CREATE/EXEC, or not exec'd this long after START, gets a LOG
// saying where it waits.
inline constexpr std::chrono::seconds kExecStallReportAfter{10};

enum class ProcessState {
  kSetup,     // forked, setting up
  kHeld,      // CREATE: set up, waiting for START
  kStarting,  // START sent to the child, exec pending
  kRunning,   // exec'd
  kFailed,    // setup or exec failed (ERROR sent)
};

struct ManagedProcess {
  uint32_t handle = 0;
  std::string container;
  bool is_main = false;  // the container's process (CREATE), not an EXEC
  pid_t pid = -1;
  ProcessState state = ProcessState::kSetup;
  bool created_sent = false;

  UniqueFd report;  // child -> agent frames (+ the pty master); EOF at exec
  agent_proto::Decoder report_decoder;
  UniqueFd start;   // agent -> child; CREATE only
  bool terminal = false;
  StdioRelay stdio;  // for a terminal: empty until the child sends the pty master

  std::optional<int> wait_status;
  std::optional<std::chrono::steady_clock::time_point> drain_deadline;
  std::optional<std::chrono::steady_clock::time_point> stall_report_at;  // while setup or exec is pending
};

// Forks the child described by `plan` (stdio and report/start descriptors are made here and filled into a
// copy of it). `terminal` uses a pty sized `height` x `width`. Throws runz::Error when the fork itself fails.
ManagedProcess spawn_process(uint32_t handle, const std::string& container, ChildPlan plan, bool terminal,
                             uint32_t height, uint32_t width);

}  // namespace runz::guest
