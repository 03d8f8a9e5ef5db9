#include "shim-v2/zone_stats.hpp"

#include <cerrno>
#include <limits>

#include "common/error.hpp"
#include "xen/domain_lifecycle.hpp"

namespace runz::shim {
namespace {

constexpr std::uint64_t kXenPageBytes = 4096;  // x86 PV: XC_PAGE_SIZE

std::uint64_t pages_to_bytes(std::uint64_t pages) {
  constexpr std::uint64_t max_pages = std::numeric_limits<std::uint64_t>::max() / kXenPageBytes;
  return pages > max_pages ? std::numeric_limits<std::uint64_t>::max() : pages * kXenPageBytes;
}

}  // namespace

ZoneUsage read_zone_usage(const runtime::ZoneRecord& zone) {
  const std::string what = "zone domain " + std::to_string(zone.domid);
  if (zone.domid == 0) throw Error(what + ": no domain recorded", EINVAL);
  auto uuid = xen::Uuid::parse(zone.uuid);
  if (!uuid) throw Error(what + ": recorded uuid " + runz::quoted(zone.uuid) + " is not a UUID", EINVAL);
  auto xc = xen::XcHandle::open();
  auto info = xen::find_domain(xc, zone.domid, *uuid);
  if (!info) throw Error(what + " (" + zone.uuid + ") is gone", ENOENT);
  return ZoneUsage{info->cpu_time_ns, pages_to_bytes(info->tot_pages), pages_to_bytes(info->max_pages)};
}

cgroup2::Metrics to_cgroup2_metrics(const ZoneUsage& usage) {
  cgroup2::Metrics metrics;
  metrics.mutable_cpu()->set_usage_usec(usage.cpu_time_ns / 1000);
  metrics.mutable_memory()->set_usage(usage.memory_bytes);
  metrics.mutable_memory()->set_usage_limit(usage.memory_limit_bytes);
  return metrics;
}

}  // namespace runz::shim
