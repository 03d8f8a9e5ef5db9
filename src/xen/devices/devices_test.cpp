// The device units' node lists: what a zone gets in xenstore, with which permissions.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "xen/devices/console.hpp"
#include "xen/devices/p9fs.hpp"
#include "xen/devices/p9fs_layout.hpp"
#include "xen/devices/vif.hpp"

using namespace runz::xen::devices;

namespace {
const XsNode& node(const std::vector<XsNode>& nodes, const std::string& path) {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const XsNode& n) { return n.path == path; });
  REQUIRE(it != nodes.end());
  return *it;
}

// Every node's parent comes before it (or is outside the device), so one pass of writes makes them all.
void check_parents_first(const std::vector<XsNode>& nodes) {
  std::set<std::string> seen;
  for (const XsNode& n : nodes) {
    const std::string parent = n.path.substr(0, n.path.rfind('/'));
    bool parent_is_ours = std::any_of(nodes.begin(), nodes.end(), [&](const XsNode& m) { return m.path == parent; });
    if (parent_is_ours) CHECK(seen.count(parent) == 1);
    seen.insert(n.path);
  }
}
}  // namespace

TEST_CASE("9pfs: frontend owned by the zone, backend by the backend domain, each readable by the other") {
  const auto nodes = p9fs_nodes(P9fsDevice{7, 2, "m0", 0});
  const std::string fe = "/local/domain/7/device/9pfs/2";
  const std::string be = "/local/domain/0/backend/9pfs/7/2";
  CHECK(p9fs_frontend_path(7, 2) == fe);
  CHECK(p9fs_backend_path(0, 7, 2) == be);
  CHECK(nodes.size() == 13);
  for (const XsNode& n : nodes) {
    INFO(n.path);
    if (n.path.starts_with(fe)) {
      CHECK(n.owner == 7);
      CHECK(n.reader == 0);
    } else {
      REQUIRE(n.path.starts_with(be));
      CHECK(n.owner == 0);
      CHECK(n.reader == 7);
    }
  }
  CHECK(node(nodes, fe + "/backend").value == be);
  CHECK(node(nodes, fe + "/tag").value == "m0");
  CHECK(node(nodes, fe + "/state").value == "1");
  CHECK(node(nodes, be + "/frontend").value == fe);
  CHECK(node(nodes, be + "/frontend-id").value == "7");
  CHECK(node(nodes, be + "/state").value == "1");
  CHECK(node(nodes, be + "/versions").value == kP9fsTransportVersions);
  CHECK(node(nodes, be + "/max-rings").value == std::to_string(kP9fsMaxRings));
  CHECK(node(nodes, be + "/max-ring-page-order").value == std::to_string(kP9fsMaxRingPageOrder));
  check_parents_first(nodes);
}

TEST_CASE("9pfs: a backend in another domain") {
  const auto nodes = p9fs_nodes(P9fsDevice{9, 0, "rootfs", 3});
  const std::string be = "/local/domain/3/backend/9pfs/9/0";
  CHECK(node(nodes, be).owner == 3);
  CHECK(node(nodes, be).reader == 9);
  CHECK(node(nodes, "/local/domain/9/device/9pfs/0/backend-id").value == "3");
  CHECK(node(nodes, "/local/domain/9/device/9pfs/0").reader == 3);
}

TEST_CASE("console: dom0's nodes the zone may only read, xenconsoled kept off") {
  const auto nodes = console_nodes(ConsoleDevice{5, 3, 0x1234});
  const std::string d = "/local/domain/5/console";
  for (const XsNode& n : nodes) {
    INFO(n.path);
    CHECK(n.path.starts_with(d));
    CHECK(n.owner == 0);
    CHECK(n.reader == 5);
  }
  CHECK(node(nodes, d + "/type").value == kConsoleTypeRunz);
  CHECK(node(nodes, d + "/port").value == "3");
  CHECK(node(nodes, d + "/ring-ref").value == std::to_string(0x1234));
  CHECK(node(nodes, d + "/backend-id").value == "0");
  check_parents_first(nodes);
}

TEST_CASE("vif: libxl's keys; the zone owns only its frontend and can only read the backend") {
  const auto nodes = vif_nodes(VifDevice{5, 1, "02:42:ac:11:00:02", 1450, 0});
  const std::string fe = "/local/domain/5/device/vif/1";
  const std::string be = "/local/domain/0/backend/vif/5/1";
  CHECK(vif_frontend_path(5, 1) == fe);
  CHECK(vif_backend_path(0, 5, 1) == be);
  CHECK(vif_interface_name(5, 1) == "vif5.1");
  for (const XsNode& n : nodes) {
    INFO(n.path);
    if (n.path.starts_with(fe)) {
      CHECK(n.owner == 5);
      CHECK(n.reader == 0);
    } else {
      REQUIRE(n.path.starts_with(be));
      CHECK(n.owner == 0);
      CHECK(n.reader == 5);
    }
  }
  for (const char* key : {"backend", "backend-id", "state", "handle", "mac"}) CHECK(node(nodes, fe + "/" + key).path.size() > 0);
  CHECK(node(nodes, fe + "/mac").value == "02:42:ac:11:00:02");
  CHECK(node(nodes, fe + "/handle").value == "1");
  CHECK(node(nodes, be + "/frontend-id").value == "5");
  CHECK(node(nodes, be + "/online").value == "1");
  CHECK(node(nodes, be + "/state").value == "1");
  CHECK(node(nodes, be + "/script").value == kVifScript);  // netback refuses a backend without one
  CHECK(node(nodes, be + "/mac").value == "02:42:ac:11:00:02");
  CHECK(node(nodes, be + "/type").value == "vif");
  CHECK(node(nodes, be + "/mtu").value == "1450");
  // hotplug-status comes only once the interface is wired (mark_vif_connected)
  CHECK(std::none_of(nodes.begin(), nodes.end(), [](const XsNode& n) { return n.path.ends_with("hotplug-status"); }));
  check_parents_first(nodes);
}
