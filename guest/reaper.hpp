// Child reaping for PID 1: SIGCHLD arrives on a signalfd (so it fits the poll loop), and every exited child
// is collected with waitpid(WNOHANG), orphans included (they are ours as PID 1, or as a child subreaper in
// the test transport).
#pragma once

#include "common/fd.hpp"

#include <sys/types.h>
#include <utility>
#include <vector>

namespace runz::guest {

class Reaper {
 public:
  // Blocks SIGCHLD and opens the signalfd.
  Reaper();
  int fd() const noexcept { return fd_.get(); }
  // Drains the signalfd and returns {pid, wait status} of every child that exited.
  std::vector<std::pair<pid_t, int>> reap();

 private:
  UniqueFd fd_;
};

}  // namespace runz::guest
