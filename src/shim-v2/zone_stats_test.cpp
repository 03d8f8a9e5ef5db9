#include "shim-v2/zone_stats.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
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

TEST_CASE("parse_stats_event reads runz's stats event, and names what is missing") {
  const auto usage = parse_stats_event(
      R"({"type":"stats","id":"c1","data":{"cpu":{"usage":{"total":2500000123}},)"
      R"("memory":{"usage":{"usage":67108864,"limit":268435456}}}})");
  CHECK(usage.cpu_time_ns == 2'500'000'123);
  CHECK(usage.memory_bytes == 64ull << 20);
  CHECK(usage.memory_limit_bytes == 256ull << 20);
  auto error_of = [](std::string_view line) -> std::pair<int, std::string> {
    try {
      parse_stats_event(line);
    } catch (const runz::Error& e) {
      return {e.code(), e.what()};
    }
    return {0, "no error"};
  };
  auto [code, message] = error_of("not json");
  CHECK(code == EINVAL);
  CHECK(message.find("not a stats event") != std::string::npos);
  std::tie(code, message) = error_of(R"({"type":"oom","data":{}})");
  CHECK(message.find("not a stats event") != std::string::npos);
  std::tie(code, message) = error_of(R"({"type":"stats","data":{"cpu":{"usage":{"total":1}},"memory":{"usage":{"usage":-1,"limit":2}}}})");
  CHECK(code == EINVAL);
  CHECK(message.find("/memory/usage/usage") != std::string::npos);
}

TEST_CASE("read_zone_usage runs `runz events --stats <id>` with the shim's --root") {
  const auto dir = std::filesystem::temp_directory_path() / ("runz-zone-stats-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto fake = dir / "runz";
  {
    std::ofstream script(fake);
    // argv: --root R --log LOG --log-format json events --stats ID
    script << "#!/bin/sh\n"
              "[ \"$1 $3 $5 $6 $7 $8 $9\" = \"--root --log --log-format json events --stats c9\" ] ||"
              " { echo \"bad argv: $*\" >&2; exit 1; }\n"
              "echo '{\"type\":\"stats\",\"id\":\"c9\",\"data\":{\"cpu\":{\"usage\":{\"total\":7000}},"
              "\"memory\":{\"usage\":{\"usage\":4096,\"limit\":8192}}}}'\n";
  }
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const RuntimeConfig config{fake, dir / "root", false};
  const auto usage = read_zone_usage(config, "c9");
  CHECK(usage.cpu_time_ns == 7000);
  CHECK(usage.memory_bytes == 4096);
  CHECK(usage.memory_limit_bytes == 8192);
  CHECK_THROWS_AS(read_zone_usage(config, "other"), RuntimeCommandError);
  std::filesystem::remove_all(dir);
}
