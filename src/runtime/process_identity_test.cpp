#include "runtime/process_identity.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

using namespace runz::runtime;

TEST_CASE("parse_proc_stat reads state and field 22, with a hostile comm") {
  const char* text =
      "1234 (a) b) (c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50 18446744073709551615";
  const auto stat = parse_proc_stat(text);
  REQUIRE(stat);
  CHECK(stat->state == 'S');
  CHECK(stat->start_time == 987654);
  CHECK_FALSE(parse_proc_stat("1234 (x) S 1 2"));
  CHECK_FALSE(parse_proc_stat("garbage"));
}

TEST_CASE("identify and is_alive tell a live process from a dead or recycled one") {
  const HostProcess self = identify(::getpid());
  CHECK(self.start_time > 0);
  CHECK(is_alive(self));
  CHECK_FALSE(is_alive(HostProcess{self.pid, self.start_time + 1}));
  CHECK_FALSE(is_alive(HostProcess{0, 0}));

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  const HostProcess process = identify(child);
  CHECK(is_alive(process));
  // Killed but not yet reaped: a zombie counts as dead.
  CHECK(kill_and_wait(process, std::chrono::seconds(5)));
  int status = 0;
  CHECK(::waitpid(child, &status, 0) == child);
  CHECK_FALSE(is_alive(process));
}
