#include "runtime/crash_report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

// Forks a child that arms the report on a pipe (disarming first when asked) and dies of `sig`; returns
// what the pipe received and the child's wait status.
std::pair<std::string, int> die_of(int sig, bool disarm) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    runz::runtime::arm_crash_report(fds[1]);
    if (disarm) runz::runtime::disarm_crash_report();
    ::raise(sig);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buffer[256];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return {got, status};
}

}  // namespace

TEST_CASE("a monitor dying of a fatal signal before ready reports it on the ready pipe, then dies of it") {
  auto [report, status] = die_of(SIGSEGV, false);
  const auto message = nlohmann::json::parse(report);
  CHECK(message["ok"] == false);
  CHECK(message["error"] == "monitor died of signal 11 (SEGV) before the zone was ready");
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);

  std::tie(report, status) = die_of(SIGABRT, false);
  CHECK(report.find("signal 6 (ABRT)") != std::string::npos);
  CHECK(WTERMSIG(status) == SIGABRT);
}

TEST_CASE("disarmed, the crash report writes nothing to the old ready fd") {
  auto [report, status] = die_of(SIGBUS, true);
  CHECK(report.empty());
  CHECK(WTERMSIG(status) == SIGBUS);
}
