// The Xen implementation of the zone interface (zone/zone.hpp): each container runs in its own
// PV domain built by domain_builder.hpp, controlled over its primary console with the agent protocol, its
// rootfs and bind mounts served by a runz-p9-backend process.
#pragma once

#include <memory>

#include "zone/zone.hpp"

namespace runz::xen {

std::unique_ptr<zone::ZoneFactory> make_zone_factory();

}  // namespace runz::xen
