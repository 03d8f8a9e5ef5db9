#include "xen/devices/xs_nodes.hpp"

namespace runz::xen::devices {

void write_nodes(const XsOps& ops, const std::vector<XsNode>& nodes) {
  for (const XsNode& n : nodes) {
    ops.write(n.path, n.value);
    ops.set_permissions(n.path, {{n.owner, XsPerm::Access::none}, {n.reader, XsPerm::Access::read}});
  }
}

}  // namespace runz::xen::devices
