// The zone's primary PV console (hvc0), as a device. It has no backend directory: the host monitor is its
// backend, mapping the ring page itself (xen/console.hpp), and console/type = "runz" keeps a xenconsoled on
// the host off it (xenconsoled serves only an absent type or "xenconsoled").
//
// Nodes (owner dom0, the zone may read; written in the domain-build transaction, domain_builder.cpp):
//   /local/domain/D/console          type = runz, port, ring-ref, limit, backend-id = 0
// Removal: with the domain's directory (destroy_domain), or remove_console_nodes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "xen/devices/xs_nodes.hpp"

namespace runz::xen::devices {

inline constexpr std::string_view kConsoleTypeRunz = "runz";
inline constexpr std::string_view kConsoleKind = "console";

struct ConsoleDevice {
  DomId domid = 0;
  uint32_t port = 0;     // the zone's end of the console event channel
  uint64_t ring_mfn = 0;  // the ring page
};

std::vector<XsNode> console_nodes(const ConsoleDevice& c);
void write_console_nodes(const XsOps& ops, const ConsoleDevice& c);
// A missing node is not an error.
void remove_console_nodes(XsHandle& xs, DomId domid);

}  // namespace runz::xen::devices
