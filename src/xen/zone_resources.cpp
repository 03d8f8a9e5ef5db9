#include "xen/zone_resources.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <string>

#include "common/error.hpp"

namespace runz::xen {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint32_t kMaxCpuIndex = 1u << 16;  // bounds a range like "0-4294967295"

std::optional<uint32_t> parse_uint(std::string_view s) {
  uint32_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<uint32_t> cpuset_count(std::string_view cpus) {
  uint32_t count = 0;
  size_t pos = 0;
  // Trailing newline as read from a cgroup file is tolerated.
  while (!cpus.empty() && (cpus.back() == '\n' || cpus.back() == ' ')) cpus.remove_suffix(1);
  if (cpus.empty()) return std::nullopt;
  while (pos <= cpus.size()) {
    size_t comma = cpus.find(',', pos);
    std::string_view item = cpus.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      auto v = parse_uint(item);
      if (!v || *v > kMaxCpuIndex) return std::nullopt;
      count += 1;
    } else {
      auto lo = parse_uint(item.substr(0, dash));
      auto hi = parse_uint(item.substr(dash + 1));
      if (!lo || !hi || *lo > *hi || *hi > kMaxCpuIndex) return std::nullopt;
      count += *hi - *lo + 1;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return count;
}

uint32_t zone_memory_mib(std::optional<int64_t> limit_bytes) {
  uint64_t container_mib = kDefaultContainerMemoryMiB;
  if (limit_bytes && *limit_bytes > 0) {
    uint64_t bytes = static_cast<uint64_t>(*limit_bytes);
    container_mib = bytes / kMiB + (bytes % kMiB != 0 ? 1 : 0);
  }
  uint64_t total = container_mib + kZoneKernelHeadroomMiB;
  total = std::clamp<uint64_t>(total, kMinZoneMemoryMiB, kMaxZoneMemoryMiB);
  return static_cast<uint32_t>(total);
}

uint32_t zone_vcpus(std::optional<int64_t> quota_us, std::optional<uint64_t> period_us,
                    const std::optional<std::string>& cpuset) {
  uint64_t vcpus = 0;
  if (quota_us && *quota_us > 0) {
    uint64_t period = (period_us && *period_us > 0) ? *period_us : kDefaultCpuPeriodUs;
    uint64_t quota = static_cast<uint64_t>(*quota_us);
    vcpus = quota / period + (quota % period != 0 ? 1 : 0);
  } else if (cpuset) {
    if (auto n = cpuset_count(*cpuset)) vcpus = *n;
  }
  if (vcpus == 0) vcpus = 1;
  return static_cast<uint32_t>(std::min<uint64_t>(vcpus, kMaxZoneVcpus));
}

ZoneSize zone_size(const spec::Config& config) {
  std::optional<int64_t> limit;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::optional<std::string> cpuset;
  if (config.linux_ && config.linux_->resources) {
    const spec::Resources& r = *config.linux_->resources;
    if (r.memory) limit = r.memory->limit;
    if (r.cpu) {
      quota = r.cpu->quota;
      period = r.cpu->period;
      cpuset = r.cpu->cpus;
    }
  }
  return ZoneSize{zone_memory_mib(limit), zone_vcpus(quota, period, cpuset)};
}

ZoneSize zone_maximums(const ZoneSize& boot, uint64_t host_total_mib, std::optional<uint32_t> max_memory_mib,
                       std::optional<uint32_t> max_vcpus) {
  const uint64_t ceiling = std::min<uint64_t>({host_total_mib, kMaxZoneMemoryMiB, max_memory_mib.value_or(kMaxZoneMemoryMiB)});
  const uint64_t memory = std::max<uint64_t>(boot.memory_mib, ceiling);
  const uint32_t vcpus = std::max(boot.vcpus, std::min(max_vcpus.value_or(kDefaultMaxZoneVcpus), kMaxZoneVcpus));
  return ZoneSize{static_cast<uint32_t>(memory), vcpus};
}

ZoneSize container_share(const spec::Config& config) {
  ZoneSize share{0, 0};
  if (!config.linux_ || !config.linux_->resources) return share;
  const spec::Resources& r = *config.linux_->resources;
  if (r.memory && r.memory->limit && *r.memory->limit > 0) {
    const uint64_t bytes = static_cast<uint64_t>(*r.memory->limit);
    share.memory_mib = static_cast<uint32_t>(std::min<uint64_t>(bytes / kMiB + (bytes % kMiB != 0 ? 1 : 0), kMaxZoneMemoryMiB));
  }
  if (r.cpu && r.cpu->quota && *r.cpu->quota > 0) share.vcpus = zone_vcpus(r.cpu->quota, r.cpu->period, std::nullopt);
  return share;
}

ZoneSize grown_within(const ZoneSize& now, const ZoneSize& share, const ZoneSize& max, uint64_t host_free_mib) {
  ZoneSize grown = now;
  const uint64_t memory_room = max.memory_mib > now.memory_mib ? max.memory_mib - now.memory_mib : 0;
  grown.memory_mib += static_cast<uint32_t>(std::min<uint64_t>({share.memory_mib, memory_room, host_free_mib}));
  grown.vcpus += std::min(share.vcpus, max.vcpus > now.vcpus ? max.vcpus - now.vcpus : 0);
  return grown;
}

uint32_t resized_memory_mib(int64_t limit_bytes, const ZoneSize& boot, const ZoneSize& max, uint64_t current_mib,
                            uint64_t host_free_mib) {
  if (limit_bytes <= 0) return boot.memory_mib;
  const uint64_t bytes = static_cast<uint64_t>(limit_bytes);
  const uint64_t container_mib = bytes / kMiB + (bytes % kMiB != 0 ? 1 : 0);
  const uint64_t want = std::max<uint64_t>(container_mib + kZoneKernelHeadroomMiB, kMinZoneMemoryMiB);
  const std::string asked = "memory limit " + std::to_string(limit_bytes) + " B: the zone would need " +
                            std::to_string(want) + " MiB";
  if (want > max.memory_mib)
    throw Error(asked + ", more than its maximum of " + std::to_string(max.memory_mib) +
                    " MiB (the host's memory or /etc/runz/runz.json's zone.maxMemoryMiB; the container gets the zone's memory less " +
                    std::to_string(kZoneKernelHeadroomMiB) + " MiB for the zone kernel)",
                EINVAL);
  if (want > current_mib && want - current_mib > host_free_mib)
    throw Error(asked + ", " + std::to_string(want - current_mib) + " MiB more than its " +
                    std::to_string(current_mib) + " MiB, but the host has " + std::to_string(host_free_mib) +
                    " MiB free",
                ENOMEM);
  return static_cast<uint32_t>(want);
}

std::optional<uint32_t> resized_vcpus(const spec::CpuResources& cpu, const ZoneSize& boot, const ZoneSize& max) {
  std::optional<uint64_t> want;
  if (cpu.quota && *cpu.quota > 0) {
    const uint64_t period = (cpu.period && *cpu.period > 0) ? *cpu.period : kDefaultCpuPeriodUs;
    const uint64_t quota = static_cast<uint64_t>(*cpu.quota);
    want = quota / period + (quota % period != 0 ? 1 : 0);
  } else if (cpu.cpus && !cpu.cpus->empty()) {
    const auto n = cpuset_count(*cpu.cpus);
    if (!n || *n == 0) throw Error("cpuset " + runz::quoted(*cpu.cpus) + " is not a list of CPUs", EINVAL);
    want = *n;
  } else if (cpu.quota) {
    want = boot.vcpus;  // -1: the quota is lifted
  }
  if (!want) return std::nullopt;
  if (*want > max.vcpus)
    throw Error("the zone would need " + std::to_string(*want) + " vCPUs, more than its maximum of " +
                    std::to_string(max.vcpus) +
                    " (runz's default or /etc/runz/runz.json's zone.maxVcpus, or the boot count if higher)",
                EINVAL);
  return static_cast<uint32_t>(*want);
}

}  // namespace runz::xen
