#include "xen/devices/zone_devices.hpp"

#include <cerrno>
#include <string>

#include "common/error.hpp"
#include "xen/devices/console.hpp"
#include "xen/devices/p9fs.hpp"
#include "xen/devices/vif.hpp"
#include "xen/log.hpp"

namespace runz::xen::devices {

void remove_zone_device(XsHandle& xs, DomId domid, const zone::ZoneDevice& device) {
  if (device.kind == kP9fsKind) return remove_p9fs_device(xs, domid, device.devid);
  if (device.kind == kVifKind) return remove_vif_device(xs, domid, device.devid);
  if (device.kind == kConsoleKind) return remove_console_nodes(xs, domid);
  throw Error("unknown device kind " + runz::quoted(device.kind), EINVAL);
}

void remove_zone_devices(XsHandle& xs, DomId domid, const std::vector<zone::ZoneDevice>& devices) noexcept {
  for (const zone::ZoneDevice& device : devices) {
    try {
      remove_zone_device(xs, domid, device);
    } catch (const std::exception& e) {
      log_warning("domain " + std::to_string(domid) + ": removing " + device.kind + " device " +
                  std::to_string(device.devid) + ": " + e.what());
    }
  }
}

}  // namespace runz::xen::devices
