// How big a zone is, derived from the container's config.json (pure: no Xen calls, unit-tested).
//
// Memory. The container's limit (linux.resources.memory.limit, bytes, rounded up to MiB) or
// kDefaultContainerMemoryMiB when there is none, plus kZoneKernelHeadroomMiB for what the zone itself needs
// before the container gets anything: the zone kernel's text/data and page tables, the unpacked initramfs
// (agent + modules) and the 9p client's buffers. The zone never gets less than kMinZoneMemoryMiB. Xen's
// maxmem is the zone's memory plus kMaxmemSlackKiB, the same 1 MiB libxl adds (LIBXL_MAXMEM_CONSTANT).
//
// vCPUs. linux.resources.cpu quota/period rounded up (quota 150000 / period 100000 → 2), else the number of
// CPUs named by linux.resources.cpu.cpus ("0-3,6" → 5), else 1; at most kMaxZoneVcpus.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "spec/config.hpp"

namespace runz::xen {

inline constexpr uint32_t kDefaultContainerMemoryMiB = 128;
inline constexpr uint32_t kZoneKernelHeadroomMiB = 64;
inline constexpr uint32_t kMinZoneMemoryMiB = 96;
inline constexpr uint32_t kMaxZoneMemoryMiB = 1024 * 1024;  // 1 TiB: anything above is a config error
inline constexpr uint64_t kMaxmemSlackKiB = 1024;
inline constexpr uint32_t kMaxZoneVcpus = 128;
inline constexpr uint64_t kDefaultCpuPeriodUs = 100000;  // the kernel's CFS default when only quota is set

struct ZoneSize {
  uint32_t memory_mib = kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB;
  uint32_t vcpus = 1;
};

ZoneSize zone_size(const spec::Config& config);

// Number of CPUs in a cpuset list ("0-3,6"); nullopt if it does not parse.
std::optional<uint32_t> cpuset_count(std::string_view cpus);

// Zone memory (MiB) for a container memory limit in bytes (nullopt or <= 0: no limit).
uint32_t zone_memory_mib(std::optional<int64_t> limit_bytes);

// vCPUs for a CPU quota/period (µs) and cpuset.
uint32_t zone_vcpus(std::optional<int64_t> quota_us, std::optional<uint64_t> period_us,
                    const std::optional<std::string>& cpuset);

}  // namespace runz::xen
