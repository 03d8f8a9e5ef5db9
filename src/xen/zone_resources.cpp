#include "xen/zone_resources.hpp"

#include <algorithm>
#include <charconv>
#include <string>

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

}  // namespace runz::xen
