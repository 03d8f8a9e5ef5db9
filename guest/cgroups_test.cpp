#include "guest/cgroups.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

namespace runz::guest {
namespace {

spec::Resources memory(std::optional<int64_t> limit, std::optional<int64_t> swap) {
  spec::Resources r;
  r.memory = spec::MemoryResources{};
  r.memory->limit = limit;
  r.memory->swap = swap;
  return r;
}

}  // namespace

TEST_CASE("cgroup_settings: memory, with swap counted as memory+swap as config.json does") {
  CHECK(cgroup_settings(memory(64 << 20, std::nullopt)) == std::vector<CgroupSetting>{{"memory.max", "67108864"}});
  CHECK(cgroup_settings(memory(-1, std::nullopt)) == std::vector<CgroupSetting>{{"memory.max", "max"}});
  CHECK(cgroup_settings(memory(0, std::nullopt)).empty());  // 0: not set
  CHECK(cgroup_settings(memory(100, 300)) ==
        std::vector<CgroupSetting>{{"memory.max", "100"}, {"memory.swap.max", "200"}});
  CHECK(cgroup_settings(memory(100, -1)) == std::vector<CgroupSetting>{{"memory.max", "100"}, {"memory.swap.max", "max"}});
  CHECK_THROWS_WITH_AS(cgroup_settings(memory(300, 100)), doctest::Contains("below memory.limit"), Error);
  CHECK_THROWS_WITH_AS(cgroup_settings(memory(std::nullopt, 100)), doctest::Contains("needs a memory limit"), Error);
}

TEST_CASE("cgroup_settings: cpu shares as weight, quota and period as cpu.max, cpuset, pids") {
  spec::Resources r;
  r.cpu = spec::CpuResources{};
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->cpus = "0";
  r.pids = spec::PidsResources{100};
  CHECK(cgroup_settings(r) == std::vector<CgroupSetting>{{"cpu.weight", "39"},
                                                          {"cpu.max", "50000 100000"},
                                                          {"cpuset.cpus", "0"},
                                                          {"pids.max", "100"}});
  r.cpu = spec::CpuResources{};
  r.cpu->quota = -1;  // no quota, the default period
  r.pids->limit = -1;
  CHECK(cgroup_settings(r) == std::vector<CgroupSetting>{{"cpu.max", "max 100000"}, {"pids.max", "max"}});
  r.cpu->realtime_runtime = 950000;
  CHECK_THROWS_WITH_AS(cgroup_settings(r), doctest::Contains("realtime"), Error);
}

TEST_CASE("cpu_weight_from_shares: runc's map, clamped to the OCI range") {
  CHECK(cpu_weight_from_shares(2) == 1);
  CHECK(cpu_weight_from_shares(1024) == 39);
  CHECK(cpu_weight_from_shares(262144) == 10000);
  CHECK(cpu_weight_from_shares(0) == 1);
  CHECK(cpu_weight_from_shares(1u << 30) == 10000);
}

}  // namespace runz::guest

TEST_CASE("cgroup_usage_from: memory.current, memory.max (max: 0) and cpu.stat's usage_usec in ns") {
  const auto u = runz::guest::cgroup_usage_from("1048576\n", "268435456\n",
                                                "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n",
                                                "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n");
  CHECK(u.memory_bytes == 1048576);
  CHECK(u.memory_limit_bytes == 268435456);
  CHECK(u.cpu_ns == 2500000);
  CHECK(u.oom_kills == 1);
  const auto none = runz::guest::cgroup_usage_from("", "max\n", "user_usec 5\n", "");
  CHECK(none.memory_bytes == 0);
  CHECK(none.memory_limit_bytes == 0);
  CHECK(none.cpu_ns == 0);
  CHECK(none.oom_kills == 0);
  CHECK(runz::guest::cgroup_usage_from("12x", "", "usage_usecs 9\nusage_usec 7", "oom_kill x").cpu_ns == 7000);
}

TEST_CASE("cgroup_events_frozen") {
  CHECK(runz::guest::cgroup_events_frozen("populated 1\nfrozen 1\n", true));
  CHECK_FALSE(runz::guest::cgroup_events_frozen("populated 1\nfrozen 1\n", false));
  CHECK(runz::guest::cgroup_events_frozen("populated 0\nfrozen 0\n", false));
  CHECK_FALSE(runz::guest::cgroup_events_frozen("unfrozen 1\n", true));
  CHECK_FALSE(runz::guest::cgroup_events_frozen("", true));
}
