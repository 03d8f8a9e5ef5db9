#include "xen/zone_resources.hpp"

#include <doctest/doctest.h>

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
