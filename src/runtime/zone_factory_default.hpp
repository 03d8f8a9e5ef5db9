// Where the runtime gets its ZoneFactory: the one place that picks the zone implementation.
#pragma once

#include <memory>

#include "runtime/zone.hpp"

namespace runz::runtime {

// Until src/xen's runz::xen::make_zone_factory() is linked in, this factory's check_host() is the real
// dom0 check and create() throws "zone support not built".
std::unique_ptr<ZoneFactory> make_default_zone_factory();

}  // namespace runz::runtime
