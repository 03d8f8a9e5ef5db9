// A vif device: one NIC of the zone (Linux xen-netfront) whose backend interface vif<D>.<N> (xen-netback in
// dom0) runz wires to one interface of the container's network namespace (xen/zone_network.hpp). No hotplug
// script runs: runz does what libxl's vif-* scripts would, then writes `hotplug-status`, which is what
// netback waits for before it connects the device.
//
// Nodes, both directories in one transaction (layout as libxl writes it, tools/libs/light/libxl_nic.c):
//   frontend /local/domain/D/device/vif/N            owner D, backend may read
//       backend, backend-id, state = 1 (Initialising), handle = N, mac
//   backend  /local/domain/B/backend/vif/D/N         owner B, D may read (the zone cannot write them)
//       frontend, frontend-id, online = 1, state = 1, script, mac, handle = N, type = vif, mtu
//       hotplug-status = connected  (mark_vif_connected, once the interface is wired)
// The frontend then writes its rings and features under its directory; netback creates vif<D>.<N> in dom0's
// initial namespace when the backend reaches InitWait.
// Removal: remove_vif_device, both directories; netback then unregisters the interface wherever it lives.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "xen/devices/xs_nodes.hpp"

namespace runz::xen::devices {

inline constexpr std::string_view kVifKind = "vif";
// The most NICs one zone gets (an error names it beyond). netfront has no such limit; dom0's resources do.
inline constexpr uint32_t kMaxZoneNics = 8;
// The `script` node: netback refuses a backend without one and hands it to udev. A real script that does
// nothing, so a dom0 whose udev runs Xen's vif-setup does not wire the interface to a bridge behind runz.
inline constexpr const char* kVifScript = "/bin/true";

struct VifDevice {
  DomId domid = 0;  // the zone (frontend)
  uint32_t devid = 0;
  std::string mac;  // the zone NIC's MAC: that of the interface it mirrors
  uint32_t mtu = 1500;
  DomId backend_domid = 0;
};

std::string vif_frontend_path(DomId domid, uint32_t devid);
std::string vif_backend_dir(DomId backend_domid, DomId domid);
std::string vif_backend_path(DomId backend_domid, DomId domid, uint32_t devid);
// The backend interface netback creates: "vif<domid>.<devid>".
std::string vif_interface_name(DomId domid, uint32_t devid);

std::vector<XsNode> vif_nodes(const VifDevice& d);
// Every node of the device in one transaction (redone on conflict).
void add_vif_device(XsHandle& xs, const VifDevice& d);
// hotplug-status = connected: the backend interface is wired; netback may connect the frontend.
void mark_vif_connected(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid = 0);
// Both directories of one device; a missing node is not an error.
void remove_vif_device(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid = 0);

}  // namespace runz::xen::devices
