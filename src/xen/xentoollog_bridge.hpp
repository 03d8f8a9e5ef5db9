// A xentoollog_logger that forwards libxenctrl/libxenguest messages to runz::xen::log (for xc_interface_open).
#pragma once

struct xentoollog_logger;

namespace runz::xen {

// A process-wide logger object; never destroyed.
xentoollog_logger* xentoollog_bridge() noexcept;

}  // namespace runz::xen
