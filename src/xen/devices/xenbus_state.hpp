// A xenbus state as a device's xenstore `state` node holds it: shared by every device unit, the toolstack's
// waits on them and the 9pfs backend (through p9fs_layout.hpp). Header-only and free of Xen libraries.
#pragma once

#include <string>

extern "C" {
#include <xen/io/xenbus.h>
}

namespace runz::xen::devices {

// The decimal number the `state` node holds.
inline std::string xenbus_state_value(XenbusState s) { return std::to_string(static_cast<unsigned>(s)); }

}  // namespace runz::xen::devices
