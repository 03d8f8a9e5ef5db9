// A zone's recorded devices (zone::ZoneRecord::devices), removed by kind: the one teardown path for a
// zone that ends normally and for `delete --force` after a kill -9 of its monitor. Each kind's own unit
// (console.hpp, p9fs.hpp) says what goes.
#pragma once

#include <vector>

#include "xen/xs.hpp"
#include "zone/zone.hpp"

namespace runz::xen::devices {

// Throws runz::Error for a kind no unit knows, or a failed xenstore call.
void remove_zone_device(XsHandle& xs, DomId domid, const zone::ZoneDevice& device);
// Every device; a failure is logged and the rest still go.
void remove_zone_devices(XsHandle& xs, DomId domid, const std::vector<zone::ZoneDevice>& devices) noexcept;

}  // namespace runz::xen::devices
