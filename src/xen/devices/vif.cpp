#include "xen/devices/vif.hpp"

#include "xen/devices/xenbus_state.hpp"

namespace runz::xen::devices {

std::string vif_frontend_path(DomId domid, uint32_t devid) {
  return "/local/domain/" + std::to_string(domid) + "/device/vif/" + std::to_string(devid);
}

std::string vif_backend_dir(DomId backend_domid, DomId domid) {
  return "/local/domain/" + std::to_string(backend_domid) + "/backend/vif/" + std::to_string(domid);
}

std::string vif_backend_path(DomId backend_domid, DomId domid, uint32_t devid) {
  return vif_backend_dir(backend_domid, domid) + "/" + std::to_string(devid);
}

std::string vif_interface_name(DomId domid, uint32_t devid) {
  return "vif" + std::to_string(domid) + "." + std::to_string(devid);
}

std::vector<XsNode> vif_nodes(const VifDevice& d) {
  const std::string fe = vif_frontend_path(d.domid, d.devid);
  const std::string be = vif_backend_path(d.backend_domid, d.domid, d.devid);
  const DomId zone = d.domid;
  const DomId back = d.backend_domid;
  const std::string initialising = xenbus_state_value(XenbusStateInitialising);
  const std::string handle = std::to_string(d.devid);
  return {
      {fe, "", zone, back},
      {fe + "/backend", be, zone, back},
      {fe + "/backend-id", std::to_string(back), zone, back},
      {fe + "/state", initialising, zone, back},
      {fe + "/handle", handle, zone, back},
      {fe + "/mac", d.mac, zone, back},
      {be, "", back, zone},
      {be + "/frontend", fe, back, zone},
      {be + "/frontend-id", std::to_string(zone), back, zone},
      {be + "/online", "1", back, zone},
      {be + "/state", initialising, back, zone},
      {be + "/script", kVifScript, back, zone},
      {be + "/mac", d.mac, back, zone},
      {be + "/handle", handle, back, zone},
      {be + "/type", "vif", back, zone},
      {be + "/mtu", std::to_string(d.mtu), back, zone},
  };
}

void add_vif_device(XsHandle& xs, const VifDevice& d) {
  xs_transact(xs, [&](XsTransaction& tx) { write_nodes(tx, vif_nodes(d)); });
}

void mark_vif_connected(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid) {
  write_nodes(xs, {{vif_backend_path(backend_domid, domid, devid) + "/hotplug-status", "connected", backend_domid, domid}});
}

void remove_vif_device(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid) {
  remove_device_nodes(xs, vif_frontend_path(domid, devid), vif_backend_path(backend_domid, domid, devid));
}

}  // namespace runz::xen::devices
