#include "xen/devices/xs_nodes.hpp"

namespace runz::xen::devices {

void write_nodes(const XsOps& ops, const std::vector<XsNode>& nodes) {
  for (const XsNode& n : nodes) {
    ops.write(n.path, n.value);
    ops.set_permissions(n.path, {{n.owner, XsPerm::Access::none}, {n.reader, XsPerm::Access::read}});
  }
}

namespace {

std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

}  // namespace

void remove_device_nodes(XsHandle& xs, const std::string& frontend, const std::string& backend) {
  xs_transact(xs, [&](XsTransaction& tx) {
    tx.rm(frontend);
    tx.rm(backend);
    std::string dir = backend;
    for (int level = 0; level < 2; ++level) {
      dir = parent_of(dir);
      if (!tx.directory(dir).empty()) break;
      tx.rm(dir);
    }
  });
}

}  // namespace runz::xen::devices
