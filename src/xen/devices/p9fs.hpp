// A 9pfs device: one export of the host (a container's rootfs or a bind mount's source) that the zone
// mounts with `mount -t 9p -o trans=xen <tag>`. runz-p9-backend (xen/p9/) serves it; this unit makes and
// removes its xenstore nodes (layout: p9fs_layout.hpp).
//
// Nodes, both directories and the backend's features in one transaction, so a frontend that probes at once
// (Linux < 6.4) finds the features and one that waits for InitWait (Linux >= 6.4) gets it from the backend:
//   frontend /local/domain/D/device/9pfs/N            owner D, backend may read
//       backend, backend-id, state = 1 (Initialising), tag
//   backend  /local/domain/B/backend/9pfs/D/N         owner B, D may read
//       frontend, frontend-id, online = 1, state = 1, versions, max-rings, max-ring-page-order
// The frontend then writes version, num-rings, ring-ref<i>, event-channel-<i> under its directory.
// Removal: remove_p9fs_device (a pod member's devices, or after a kill -9), both directories; the backend
// process is stopped first, so nothing serves a device whose nodes are gone.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xen/devices/xs_nodes.hpp"

namespace runz::xen::devices {

inline constexpr std::string_view kP9fsKind = "9pfs";

struct P9fsDevice {
  DomId domid = 0;          // the zone (frontend)
  uint32_t devid = 0;
  std::string tag;          // what the zone mounts
  DomId backend_domid = 0;  // where runz-p9-backend runs
};

std::vector<XsNode> p9fs_nodes(const P9fsDevice& d);
// Every node of `devices`, in one transaction (redone on conflict).
void add_p9fs_devices(XsHandle& xs, std::span<const P9fsDevice> devices);
// Both directories of one device; a missing node is not an error.
void remove_p9fs_device(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid = 0);

}  // namespace runz::xen::devices
