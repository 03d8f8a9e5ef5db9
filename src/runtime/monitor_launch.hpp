// Starting a container's monitor: double fork (the monitor is in its own session and is reparented to
// init or the nearest subreaper, e.g. containerd's shim), then wait for its "ready" report.
#pragma once

#include "runtime/monitor.hpp"
#include "runtime/state_store.hpp"

namespace runz::runtime {

// Forks the monitor, which takes `stdio` for the zone. `lock` (held by the caller) is dropped in the child
// so the monitor never holds the container lock. Returns the monitor once it reported ready; throws
// runz::Error with the monitor's message otherwise.
HostProcess launch_monitor(const MonitorContext& context, ZoneStdio stdio, ContainerLock& lock);

}  // namespace runz::runtime
