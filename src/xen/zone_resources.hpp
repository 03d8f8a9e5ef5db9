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
//
// Growth (runz update). A zone is built able to grow past its boot size, up to its maximums:
// - memory up to the host's total memory (or less, by /etc/runz/runz.json): Xen's maxmem and the balloon target rise with the update, and the
//   zone kernel's balloon driver hot-plugs memory sections to reach the target (it boots with
//   memhp_default_state=online, so they come online at once); growth never takes more than the host has
//   free;
// - vCPUs up to kDefaultMaxZoneVcpus (or /etc/runz/runz.json's; the boot count if higher): the domain has that many, only the
//   asked-for ones online (cpu/N/availability in xenstore: the zone kernel offlines the others once it
//   booted them); the zone
//   kernel registers one the host makes available and the agent brings it up (guest/cpu_hotplug.hpp). The
//   host's CPU count is no limit: Xen time-shares vCPUs, as it does for a config asking for more at boot.
//   The cap is there because each possible vCPU costs the zone kernel its per-CPU areas, online or not.
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
inline constexpr uint32_t kDefaultMaxZoneVcpus = 4;

struct ZoneSize {
  uint32_t memory_mib = kDefaultContainerMemoryMiB + kZoneKernelHeadroomMiB;
  uint32_t vcpus = 1;
};

ZoneSize zone_size(const spec::Config& config);

// How far a zone of boot size `boot` may grow on a host with `host_total_mib` of memory, with the host's
// configured maximums (/etc/runz/runz.json; unset: the host's memory, kDefaultMaxZoneVcpus): never below
// the boot size.
ZoneSize zone_maximums(const ZoneSize& boot, uint64_t host_total_mib, std::optional<uint32_t> max_memory_mib = {},
                       std::optional<uint32_t> max_vcpus = {});

// What a pod's further container adds to its zone (pods are sized by their containers): its memory limit
// rounded up to MiB and its CPU quota rounded up to vCPUs; 0 for what it does not limit.
ZoneSize container_share(const spec::Config& config);

// `now` grown by `share`, as far as `max` and the host's `host_free_mib` allow (a pod's container is not
// refused for want of room: its own limits in the zone still hold, it only shares what there is).
ZoneSize grown_within(const ZoneSize& now, const ZoneSize& share, const ZoneSize& max, uint64_t host_free_mib);

// The zone's memory (MiB) once a container memory limit of `limit_bytes` applies (-1 or 0: no limit, the
// boot size again). Throws runz::Error (EINVAL) when it would pass `max.memory_mib`, and (ENOMEM) when
// growing from `current_mib` needs more than the host's `host_free_mib`; the message names the limit.
uint32_t resized_memory_mib(int64_t limit_bytes, const ZoneSize& boot, const ZoneSize& max, uint64_t current_mib,
                            uint64_t host_free_mib);

// The zone's vCPUs after an update of its CPU resources: quota/period rounded up when a quota is given
// (-1 or 0: no quota, so the cpuset's count or the boot count), else the cpuset's count; nullopt when the
// update names neither (the vCPUs stay). Throws runz::Error (EINVAL) past `max.vcpus`, naming it.
std::optional<uint32_t> resized_vcpus(const spec::CpuResources& cpu, const ZoneSize& boot, const ZoneSize& max);

// Number of CPUs in a cpuset list ("0-3,6"); nullopt if it does not parse.
std::optional<uint32_t> cpuset_count(std::string_view cpus);

// Zone memory (MiB) for a container memory limit in bytes (nullopt or <= 0: no limit).
uint32_t zone_memory_mib(std::optional<int64_t> limit_bytes);

// vCPUs for a CPU quota/period (µs) and cpuset.
uint32_t zone_vcpus(std::optional<int64_t> quota_us, std::optional<uint64_t> period_us,
                    const std::optional<std::string>& cpuset);

}  // namespace runz::xen
