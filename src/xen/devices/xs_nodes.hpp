// A device's xenstore nodes as data: every device unit (console.hpp, p9fs.hpp, ...) lists its nodes with
// their permissions, so a reader sees in one place what a zone gets, and a unit test checks it without Xen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xen/xs.hpp"

namespace runz::xen::devices {

// One node: its value, its owner (full access; everybody else gets nothing) and one domain that may read.
// Dom0 (privileged) always has full access.
struct XsNode {
  std::string path;
  std::string value;
  DomId owner = 0;
  DomId reader = 0;
};

// Writes each node with its value and permissions, in order (parents before children), through `ops`: a
// transaction, so a frontend or backend never sees half a device.
void write_nodes(const XsOps& ops, const std::vector<XsNode>& nodes);

// Removes one device's frontend and backend nodes, and the backend directories above it
// (…/backend/<kind>/<domid> and …/backend/<kind>) once they hold nothing else, so the last zone gone leaves
// dom0's xenstore as it was before the first. One transaction: a zone adding a device of the same kind at
// that moment conflicts with the emptiness check instead of losing its nodes.
void remove_device_nodes(XsHandle& xs, const std::string& frontend, const std::string& backend);

}  // namespace runz::xen::devices
