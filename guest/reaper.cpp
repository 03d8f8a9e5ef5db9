#include "guest/reaper.hpp"

#include "common/error.hpp"

#include <csignal>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runz::guest {

Reaper::Reaper() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw_errno("block SIGCHLD");
  fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) throw_errno("signalfd");
}

std::vector<std::pair<pid_t, int>> Reaper::reap() {
  signalfd_siginfo info{};
  while (::read(fd_.get(), &info, sizeof info) > 0) {
  }
  std::vector<std::pair<pid_t, int>> out;
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      out.emplace_back(pid, status);
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    break;  // 0: none left that exited; ECHILD: no children at all
  }
  return out;
}

}  // namespace runz::guest
