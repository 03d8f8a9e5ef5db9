// The host-side namespaces of the process that stands for the container on the host: the monitor, whose
// pid the state reports (and so what hooks, `nsenter -t <pid>` and CRI's /proc/<pid>/ns/* paths for a pod's
// further containers see). For uts, ipc and cgroup entries of config.json's `linux.namespaces` it joins the
// `path`, or unshares a new one without a path, as runc's container process would; the container itself
// gets its own in the zone. Network is container_netns.hpp's. Mount stays dom0's: the monitor starts the
// 9pfs backends that serve host paths (a pod's later containers' rootfs too), which a private mount
// namespace would hide. pid and time apply only to children on Linux, user is refused at create
// (namespace_checks.hpp). docs/ARCHITECTURE.md, "Namespaces".
#pragma once

#include "spec/config.hpp"

namespace runz::runtime {

// Puts the calling process (single-threaded still) into the uts, ipc and cgroup namespaces the config asks
// for. Throws runz::Error naming config.json, the entry and the path.
void enter_standin_namespaces(const spec::Config& config);

}  // namespace runz::runtime
