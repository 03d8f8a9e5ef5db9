// Stats for a task: what Xen accounts to its zone (getdomaininfo), as containerd's cgroups v2 Metrics.
// A zone has no host cgroup; the domain is the unit that uses the host's CPU and memory:
//   cpu.usage_usec      the domain's CPU time (all vCPUs). Xen does not split user from system time, so
//                       user_usec and system_usec are left out (0).
//   memory.usage        pages the domain holds now (tot_pages) x 4 KiB: the zone's footprint on the host,
//                       its kernel and page cache included.
//   memory.usage_limit  the domain's maximum (max_pages) x 4 KiB.
// The process count lives in the zone's kernel and is not visible from dom0: pids is left out.
#pragma once

#include <cstdint>
#include <functional>

#include "runtime/zone.hpp"
#include "shim-v2/proto/io/containerd/cgroups/v2/metrics.pb.h"

namespace runz::shim {

namespace cgroup2 = io::containerd::cgroups::v2;

inline constexpr std::string_view kCgroup2MetricsType = "io.containerd.cgroups.v2.Metrics";

using ZoneUsage = runtime::ZoneUsage;

// Reads the recorded zone's domain (by domid, and only while its handle is still the recorded UUID).
// Throws runz::Error with ENOENT if that domain is gone, EINVAL for a malformed record.
ZoneUsage read_zone_usage(const runtime::ZoneRecord& zone);

using ZoneUsageReader = std::function<ZoneUsage(const runtime::ZoneRecord&)>;

cgroup2::Metrics to_cgroup2_metrics(const ZoneUsage& usage);

}  // namespace runz::shim
