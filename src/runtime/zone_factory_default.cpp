#include "runtime/zone_factory_default.hpp"

#include "xen/zone_factory.hpp"

namespace runz::runtime {

// The one place that picks the zone implementation: Xen PV zones from src/xen.
std::unique_ptr<ZoneFactory> make_default_zone_factory() { return xen::make_zone_factory(); }

}  // namespace runz::runtime
