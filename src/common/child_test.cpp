#include "common/child.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>

namespace {

pid_t fork_child(bool ignore_term) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (ignore_term) ::signal(SIGTERM, SIG_IGN);
    for (;;) ::pause();
  }
  return pid;
}

}  // namespace

TEST_CASE("terminate_child: SIGTERM ends a child, one that ignores it gets SIGKILL after the grace; both reaped") {
  const pid_t polite = fork_child(false);
  CHECK(runz::terminate_child(polite, std::chrono::seconds(5)));
  CHECK(::kill(polite, 0) != 0);  // reaped: no zombie left under that pid

  const pid_t stubborn = fork_child(true);
  ::usleep(100 * 1000);  // let it install SIG_IGN
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(runz::terminate_child(stubborn, std::chrono::milliseconds(200)));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(200));
  CHECK(::kill(stubborn, 0) != 0);
}
