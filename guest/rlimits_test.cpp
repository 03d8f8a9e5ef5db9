#include "guest/rlimits.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace runz::guest;

TEST_CASE("rlimit names resolve to setrlimit resources") {
  const auto r = resolve_rlimits({{"RLIMIT_NOFILE", 1024, 512}, {"RLIMIT_CORE", 0, 0}, {"RLIMIT_RTTIME", 5, 4}});
  REQUIRE(r.size() == 3);
  CHECK(r[0].resource == RLIMIT_NOFILE);
  CHECK(r[0].limit.rlim_cur == 512);
  CHECK(r[0].limit.rlim_max == 1024);
  CHECK(r[1].resource == RLIMIT_CORE);
  CHECK(r[2].resource == RLIMIT_RTTIME);
  CHECK(r[2].name == "RLIMIT_RTTIME");
}

TEST_CASE("unknown rlimits are errors") {
  CHECK_THROWS_WITH_AS(resolve_rlimits({{"RLIMIT_FOO", 1, 1}}), "unknown rlimit `RLIMIT_FOO`", runz::Error);
}

TEST_CASE("apply_rlimits sets the limit") {
  rlimit current{};
  REQUIRE(getrlimit(RLIMIT_CORE, &current) == 0);
  apply_rlimits(resolve_rlimits({{"RLIMIT_CORE", current.rlim_max, 0}}));
  rlimit after{};
  REQUIRE(getrlimit(RLIMIT_CORE, &after) == 0);
  CHECK(after.rlim_cur == 0);
  REQUIRE(setrlimit(RLIMIT_CORE, &current) == 0);
}
