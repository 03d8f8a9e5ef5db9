#include "shim-v2/zone_stats.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <string>
#include <tuple>
#include <utility>

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
  auto error_of = [](const runz::runtime::ZoneRecord& zone) -> std::pair<int, std::string> {
    try {
      read_zone_usage(zone);
    } catch (const runz::Error& e) {
      return {e.code(), e.what()};
    }
    return {0, "no error"};
  };
  auto [code, message] = error_of(runz::runtime::ZoneRecord{});
  CHECK(code == EINVAL);
  CHECK(message.find("no domain recorded") != std::string::npos);
  std::tie(code, message) = error_of(runz::runtime::ZoneRecord{7, "not-a-uuid", {}});
  CHECK(code == EINVAL);
  CHECK(message.find("not-a-uuid") != std::string::npos);
}
