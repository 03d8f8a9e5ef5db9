// Where a container's network lives on the host: config.json's `linux.namespaces` entry of type network.
//   with a path (CNI, the CRI plugin, Podman, `docker run --network container:X`): that namespace;
//   without a path (Docker's bridge and user networks): a new, empty one, which the create hooks (libnetwork)
//     fill through the state's pid;
//   no entry (host network): none; a zone cannot share dom0's stack, so the zone gets only `lo`.
// The monitor, whose pid the state reports, stands in it for the container's life: that is the namespace
// the hooks see, the one the zone's NICs mirror (Zone::sync_network), and a runz-made one goes away with
// the monitor. docs/ARCHITECTURE.md, "Network".
#pragma once

#include "common/fd.hpp"
#include "spec/config.hpp"

namespace runz::runtime {

// The network entry of the config's namespaces, or nullptr (host network).
const spec::Namespace* network_namespace(const spec::Config& config);

// Puts the calling process (the monitor, still single-threaded) into the container's network namespace.
// Returns dom0's own, where the zone's backend interfaces appear; invalid when the config has none.
UniqueFd enter_container_netns(const spec::Config& config);

}  // namespace runz::runtime
