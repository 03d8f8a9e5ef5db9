// Stats for a task: what runz reports for its zone, as containerd's cgroups v2 Metrics. The shim asks runz
// (`runz events --stats <id>`, runc's stats event, which runz answers from the container's monitor) and
// never reads Xen itself. A zone has no host cgroup; the domain is the unit that uses the host's CPU and
// memory:
//   cpu.usage_usec      the domain's CPU time (all vCPUs). Xen does not split user from system time, so
//                       user_usec and system_usec are left out (0).
//   memory.usage        pages the domain holds now x 4 KiB: the zone's footprint on the host, its kernel and
//                       page cache included.
//   memory.usage_limit  the domain's maximum x 4 KiB.
// The process count lives in the zone's kernel and is not visible from dom0: pids is left out.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "shim-v2/proto/io/containerd/cgroups/v2/metrics.pb.h"
#include "zone/zone.hpp"
#include "shim-v2/runtime_command.hpp"

namespace runz::shim {

namespace cgroup2 = io::containerd::cgroups::v2;

inline constexpr std::string_view kCgroup2MetricsType = "io.containerd.cgroups.v2.Metrics";

using ZoneUsage = zone::ZoneUsage;  // what runz reports: the same fields the monitor keeps

// The usage in one line of `runz events --stats` (runc's event: {"type":"stats","id":...,"data":{"cpu":
// {"usage":{"total":NS}},"memory":{"usage":{"usage":B,"limit":B}}}}). Throws runz::Error (EINVAL) naming
// what is missing or malformed.
ZoneUsage parse_stats_event(std::string_view line);

// Runs `runz events --stats <id>` under `config` and parses its line. runz's failures propagate as
// RuntimeCommandError (grpc_errors maps them).
ZoneUsage read_zone_usage(const RuntimeConfig& config, const std::string& id);

using ZoneUsageReader = std::function<ZoneUsage(const RuntimeConfig&, const std::string& id)>;

cgroup2::Metrics to_cgroup2_metrics(const ZoneUsage& usage);

}  // namespace runz::shim
