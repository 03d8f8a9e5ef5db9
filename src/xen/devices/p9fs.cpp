#include "xen/devices/p9fs.hpp"

#include "xen/devices/p9fs_layout.hpp"

namespace runz::xen::devices {

std::vector<XsNode> p9fs_nodes(const P9fsDevice& d) {
  const std::string fe = p9fs_frontend_path(d.domid, d.devid);
  const std::string be = p9fs_backend_path(d.backend_domid, d.domid, d.devid);
  const DomId zone = d.domid;
  const DomId back = d.backend_domid;
  const std::string initialising = xenbus_state_value(XenbusStateInitialising);
  return {
      {fe, "", zone, back},
      {fe + "/backend", be, zone, back},
      {fe + "/backend-id", std::to_string(back), zone, back},
      {fe + "/state", initialising, zone, back},
      {fe + "/tag", d.tag, zone, back},
      {be, "", back, zone},
      {be + "/frontend", fe, back, zone},
      {be + "/frontend-id", std::to_string(zone), back, zone},
      {be + "/online", "1", back, zone},
      {be + "/state", initialising, back, zone},
      {be + "/versions", kP9fsTransportVersions, back, zone},
      {be + "/max-rings", std::to_string(kP9fsMaxRings), back, zone},
      {be + "/max-ring-page-order", std::to_string(kP9fsMaxRingPageOrder), back, zone},
  };
}

void add_p9fs_devices(XsHandle& xs, std::span<const P9fsDevice> devices) {
  xs_transact(xs, [&](XsTransaction& tx) {
    for (const P9fsDevice& d : devices) write_nodes(tx, p9fs_nodes(d));
  });
}

void remove_p9fs_device(XsHandle& xs, DomId domid, uint32_t devid, DomId backend_domid) {
  remove_device_nodes(xs, p9fs_frontend_path(domid, devid), p9fs_backend_path(backend_domid, domid, devid));
}

}  // namespace runz::xen::devices
