#include "shim-v2/zone_stats.hpp"

#include <doctest/doctest.h>

#include <cerrno>

#include "common/error.hpp"

using namespace runz::shim;

TEST_CASE("zone usage becomes cgroups v2 Metrics: CPU time in microseconds, memory in bytes") {
  ZoneUsage usage{2'500'000'123, 64ull << 20, 256ull << 20};
  auto metrics = to_cgroup2_metrics(usage);
  CHECK(metrics.cpu().usage_usec() == 2'500'000);
  CHECK(metrics.cpu().user_usec() == 0);  // Xen does not split user and system time
  CHECK(metrics.memory().usage() == 64ull << 20);
  CHECK(metrics.memory().usage_limit() == 256ull << 20);
  CHECK_FALSE(metrics.has_pids());  // not visible from dom0
  CHECK(std::string(cgroup2::Metrics::descriptor()->full_name()) == kCgroup2MetricsType);
}

TEST_CASE("the Metrics wire format uses containerd's field numbers") {
  cgroup2::Metrics metrics;
  metrics.mutable_cpu()->set_usage_usec(5);
  metrics.mutable_memory()->set_usage(7);
  metrics.mutable_memory()->set_usage_limit(9);
  const std::string bytes = metrics.SerializeAsString();
  // cpu = field 2 { usage_usec = field 1 }, memory = field 4 { usage = 32, usage_limit = 33 }
  const std::string want{"\x12\x02\x08\x05"
                         "\x22\x06\x80\x02\x07\x88\x02\x09",
                         12};
  CHECK(bytes == want);
}

TEST_CASE("read_zone_usage refuses a record without a domain or with a malformed uuid before asking Xen") {
  runz::runtime::ZoneRecord none;
  try {
    read_zone_usage(none);
    FAIL("expected an error");
  } catch (const runz::Error& e) {
    CHECK(e.code() == EINVAL);
    CHECK(std::string(e.what()).find("no domain recorded") != std::string::npos);
  }
  runz::runtime::ZoneRecord bad{7, "not-a-uuid", {}};
  try {
    read_zone_usage(bad);
    FAIL("expected an error");
  } catch (const runz::Error& e) {
    CHECK(e.code() == EINVAL);
    CHECK(std::string(e.what()).find("not-a-uuid") != std::string::npos);
  }
}
