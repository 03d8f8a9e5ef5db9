#include "xen/p9/toolstack_nodes.hpp"

extern "C" {  // no C++ guards in the Xen library headers
#include <xenstore.h>
}

#include <cerrno>

#include "common/error.hpp"
#include "xen/p9/ring.hpp"

namespace runz::p9 {

namespace {
constexpr int kXsTransactionAttempts = 16;
std::string state_value(XenbusState s) { return std::to_string(static_cast<unsigned>(s)); }
}  // namespace

std::vector<XsNodeSpec> device_nodes(const DeviceConfig& c) {
  const std::string fe = frontend_path(c);
  const std::string be = backend_path(c);
  const uint32_t guest = c.domid;
  const uint32_t back = c.backend_domid;
  return {
      {fe, "", guest, back},
      {fe + "/backend", be, guest, back},
      {fe + "/backend-id", std::to_string(back), guest, back},
      {fe + "/state", state_value(XenbusStateInitialising), guest, back},
      {fe + "/tag", c.tag, guest, back},
      {be, "", back, guest},
      {be + "/frontend", fe, back, guest},
      {be + "/frontend-id", std::to_string(guest), back, guest},
      {be + "/online", "1", back, guest},
      {be + "/state", state_value(XenbusStateInitialising), back, guest},
      {be + "/versions", kTransportVersions, back, guest},
      {be + "/max-rings", std::to_string(kMaxRings), back, guest},
      {be + "/max-ring-page-order", std::to_string(kMaxRingPageOrder), back, guest},
  };
}

void write_device_nodes(xs_handle* xs, const DeviceConfig& c) {
  const auto nodes = device_nodes(c);
  for (int attempt = 0; attempt < kXsTransactionAttempts; ++attempt) {
    const xs_transaction_t t = xs_transaction_start(xs);
    if (t == XBT_NULL) throw_errno("xs_transaction_start");
    for (const auto& n : nodes) {
      struct xs_permissions perms[2] = {{n.owner, XS_PERM_NONE}, {n.reader, XS_PERM_READ}};
      if (!xs_write(xs, t, n.path.c_str(), n.value.data(), static_cast<unsigned>(n.value.size())) ||
          !xs_set_permissions(xs, t, n.path.c_str(), perms, 2)) {
        const int err = errno;
        xs_transaction_end(xs, t, true);
        throw_errno("write xenstore node " + quoted(n.path), err);
      }
    }
    if (xs_transaction_end(xs, t, false)) return;
    if (errno != EAGAIN) throw_errno("commit 9pfs device nodes for domain " + std::to_string(c.domid));
  }
  throw Error("commit 9pfs device nodes: too many conflicts", EAGAIN);
}

void remove_device_nodes(xs_handle* xs, const DeviceConfig& c) {
  for (const auto& path : {frontend_path(c), backend_path(c)}) {
    if (!xs_rm(xs, XBT_NULL, path.c_str()) && errno != ENOENT) throw_errno("remove " + quoted(path));
  }
}

}  // namespace runz::p9
