#include "xen/zone_resources.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <string>

#include "common/error.hpp"

using namespace runz::xen;

TEST_CASE("cpuset_count") {
  CHECK(cpuset_count("0") == 1u);
  CHECK(cpuset_count("0-3") == 4u);
  CHECK(cpuset_count("0-3,6") == 5u);
  CHECK(cpuset_count("1,3,5-6\n") == 4u);
  CHECK_FALSE(cpuset_count(""));
  CHECK_FALSE(cpuset_count("3-1"));
  CHECK_FALSE(cpuset_count("a"));
  CHECK_FALSE(cpuset_count("0,,1"));
  CHECK_FALSE(cpuset_count("0-"));
  CHECK_FALSE(cpuset_count("0-4294967295"));
}

TEST_CASE("zone memory: container limit rounded up to MiB plus headroom, with a floor") {
  CHECK(zone_memory_mib(std::nullopt) == kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB);
  CHECK(zone_memory_mib(0) == kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB);
  CHECK(zone_memory_mib(-1) == kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB);
  CHECK(zone_memory_mib(int64_t{512} * 1024 * 1024) == 512 + kZoneKernelHeadroomMiB);
  CHECK(zone_memory_mib(int64_t{512} * 1024 * 1024 + 1) == 513 + kZoneKernelHeadroomMiB);
  CHECK(zone_memory_mib(4096) == kMinZoneMemoryMiB);
  CHECK(zone_memory_mib(INT64_MAX) == kMaxZoneMemoryMiB);
}

TEST_CASE("zone vcpus: quota/period rounded up, else cpuset, else 1") {
  CHECK(zone_vcpus(std::nullopt, std::nullopt, std::nullopt) == 1);
  CHECK(zone_vcpus(150000, 100000, std::nullopt) == 2);
  CHECK(zone_vcpus(100000, 100000, std::nullopt) == 1);
  CHECK(zone_vcpus(50000, std::nullopt, std::nullopt) == 1);   // default period 100 ms
  CHECK(zone_vcpus(250000, std::nullopt, std::nullopt) == 3);
  CHECK(zone_vcpus(-1, 100000, std::string("0-3")) == 4);      // -1: no quota, use the cpuset
  CHECK(zone_vcpus(std::nullopt, std::nullopt, std::string("bogus")) == 1);
  CHECK(zone_vcpus(int64_t{1} << 40, 1000, std::nullopt) == kMaxZoneVcpus);
}

TEST_CASE("zone_size reads linux.resources") {
  runz::spec::Config config;
  CHECK(zone_size(config).vcpus == 1);
  CHECK(zone_size(config).memory_mib == kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB);
  runz::spec::Linux lx;
  runz::spec::Resources r;
  r.memory = runz::spec::MemoryResources{};
  r.memory->limit = int64_t{256} * 1024 * 1024;
  r.cpu = runz::spec::CpuResources{};
  r.cpu->cpus = "0-1";
  lx.resources = r;
  config.linux_ = lx;
  CHECK(zone_size(config).memory_mib == 256 + kZoneKernelHeadroomMiB);
  CHECK(zone_size(config).vcpus == 2);
}

TEST_CASE("zone_maximums: the host's memory and kDefaultMaxZoneVcpus, never below the boot size") {
  const ZoneSize boot{192, 1};
  CHECK(zone_maximums(boot, 4096).memory_mib == 4096);
  CHECK(zone_maximums(boot, 4096).vcpus == kDefaultMaxZoneVcpus);
  CHECK(zone_maximums(boot, 100).memory_mib == 192);  // a host smaller than the zone: no growth
  CHECK(zone_maximums(ZoneSize{192, 12}, 4096).vcpus == 12);
  CHECK(zone_maximums(boot, uint64_t{1} << 40).memory_mib == kMaxZoneMemoryMiB);
  // the host's configured maximums
  CHECK(zone_maximums(boot, 4096, 1024, 8).memory_mib == 1024);
  CHECK(zone_maximums(boot, 4096, 8192, 8).memory_mib == 4096);  // the host's memory still bounds it
  CHECK(zone_maximums(boot, 4096, 1024, 8).vcpus == 8);
  CHECK(zone_maximums(boot, 4096, 64, 1).memory_mib == 192);     // never below the boot size
  CHECK(zone_maximums(ZoneSize{192, 2}, 4096, std::nullopt, 1).vcpus == 2);
}

TEST_CASE("resized_memory_mib: limit plus headroom, within the maximum and the host's free memory") {
  const ZoneSize boot{192, 1};
  const ZoneSize max{2048, 2};
  constexpr int64_t kMiB = 1024 * 1024;
  CHECK(resized_memory_mib(384 * kMiB, boot, max, 192, 1024) == 384 + kZoneKernelHeadroomMiB);
  CHECK(resized_memory_mib(384 * kMiB + 1, boot, max, 192, 1024) == 385 + kZoneKernelHeadroomMiB);
  CHECK(resized_memory_mib(96 * kMiB, boot, max, 192, 0) == 160);  // shrinking needs nothing free
  CHECK(resized_memory_mib(4096, boot, max, 192, 0) == kMinZoneMemoryMiB);
  CHECK(resized_memory_mib(-1, boot, max, 448, 0) == 192);
  CHECK(resized_memory_mib(0, boot, max, 448, 0) == 192);
  CHECK(resized_memory_mib(1984 * kMiB, boot, max, 192, 4096) == 2048);  // exactly the maximum
  try {
    resized_memory_mib(1985 * kMiB, boot, max, 192, 4096);
    FAIL("past the maximum");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("more than its maximum of 2048 MiB") != std::string::npos);
    CHECK(e.code() == EINVAL);
  }
  try {
    resized_memory_mib(1024 * kMiB, boot, max, 192, 500);
    FAIL("past the host's free memory");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("896 MiB more than its 192 MiB, but the host has 500 MiB free") !=
          std::string::npos);
    CHECK(e.code() == ENOMEM);
  }
}

TEST_CASE("resized_vcpus: quota rounded up, else cpuset, within the maximum") {
  const ZoneSize boot{192, 1};
  const ZoneSize max{2048, 4};
  runz::spec::CpuResources cpu;
  CHECK_FALSE(resized_vcpus(cpu, boot, max));
  cpu.shares = 2048;
  CHECK_FALSE(resized_vcpus(cpu, boot, max));  // shares alone: the vCPUs stay
  cpu.quota = 200000;
  cpu.period = 100000;
  CHECK(resized_vcpus(cpu, boot, max) == 2u);
  cpu.quota = 250000;
  CHECK(resized_vcpus(cpu, boot, max) == 3u);
  cpu.quota = -1;
  CHECK(resized_vcpus(cpu, boot, max) == 1u);  // the quota lifted: the boot count
  cpu.cpus = "0-3";
  CHECK(resized_vcpus(cpu, boot, max) == 4u);
  cpu.quota.reset();
  cpu.cpus = "0-4";
  try {
    resized_vcpus(cpu, boot, max);
    FAIL("past the maximum");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()).find("5 vCPUs, more than its maximum of 4") != std::string::npos);
  }
  cpu.cpus = "x";
  CHECK_THROWS_AS(resized_vcpus(cpu, boot, max), runz::Error);
}

TEST_CASE("container_share and grown_within: a pod's zone grows by its containers' limits, within its room") {
  runz::spec::Config config;
  CHECK(container_share(config).memory_mib == 0);
  CHECK(container_share(config).vcpus == 0);
  runz::spec::Linux lx;
  runz::spec::Resources r;
  r.memory = runz::spec::MemoryResources{};
  r.memory->limit = int64_t{256} * 1024 * 1024 + 1;
  r.cpu = runz::spec::CpuResources{};
  r.cpu->quota = 100000;
  r.cpu->period = 100000;
  lx.resources = r;
  config.linux_ = lx;
  const ZoneSize share = container_share(config);
  CHECK(share.memory_mib == 257);
  CHECK(share.vcpus == 1);

  const ZoneSize max{1024, 4};
  const ZoneSize grown = grown_within(ZoneSize{192, 1}, share, max, 4096);
  CHECK(grown.memory_mib == 449);
  CHECK(grown.vcpus == 2);
  CHECK(grown_within(ZoneSize{900, 4}, share, max, 4096).memory_mib == 1024);  // up to the maximum
  CHECK(grown_within(ZoneSize{900, 4}, share, max, 4096).vcpus == 4);
  CHECK(grown_within(ZoneSize{192, 1}, share, max, 100).memory_mib == 292);   // up to what the host has free
  CHECK(grown_within(ZoneSize{1100, 5}, share, max, 4096).memory_mib == 1100);  // already past: unchanged
}
