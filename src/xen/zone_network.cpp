#include "xen/zone_network.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "net/interfaces.hpp"
#include "net/links.hpp"
#include "net/netlink.hpp"
#include "net/netns.hpp"
#include "net/tc_redirect.hpp"
#include "xen/devices/xenbus_state.hpp"
#include "xen/devices/vif.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

agent_proto::NetInterface nic_config(const net::InterfaceInfo& i) {
  agent_proto::NetInterface n{i.name, i.mac, i.mtu, i.addresses, {}};
  for (const net::RouteInfo& r : i.routes) n.routes.push_back(agent_proto::NetRoute{r.destination, r.gateway, r.metric});
  return n;
}

}  // namespace

std::vector<agent_proto::NetInterface> ZoneNetwork::sync(XsHandle& xs) {
  const net::NlSocket container = net::NlSocket::open();
  const std::vector<net::InterfaceInfo> present = net::read_interfaces(container);

  // NICs whose interface is gone (`docker network disconnect` deleted its veth)
  for (auto it = nics_.begin(); it != nics_.end();) {
    const bool gone = std::none_of(present.begin(), present.end(), [&](const net::InterfaceInfo& i) {
      return i.ifindex == it->container_ifindex && i.mac == it->mac;
    });
    if (!gone) {
      ++it;
      continue;
    }
    log_info("interface " + runz::quoted(it->name) + " left the network namespace: unplugging its zone NIC");
    unplug(xs, *it);
    it = nics_.erase(it);
  }

  std::vector<agent_proto::NetInterface> to_configure;
  std::optional<net::NlSocket> host;
  std::optional<UniqueFd> container_netns;
  for (const net::InterfaceInfo& i : present) {
    if (std::any_of(nics_.begin(), nics_.end(), [&](const Nic& n) { return n.backend_ifindex == i.ifindex; }))
      continue;  // a backend interface of ours
    auto known = std::find_if(nics_.begin(), nics_.end(), [&](const Nic& n) { return n.container_ifindex == i.ifindex; });
    if (known != nics_.end()) {
      agent_proto::NetInterface now = nic_config(i);
      if (now != known->config) {
        known->config = now;
        to_configure.push_back(std::move(now));
      }
      continue;
    }
    const std::string name = "interface " + runz::quoted(i.name);
    const bool logged = skipped_.count(i.ifindex) != 0;
    if (!net::interface_kind_supported(i.kind)) {
      if (!logged)
        log_warning(name + " (kind " + runz::quoted(i.kind.empty() ? "device" : i.kind) +
                    ") is not given to the zone: only veth, macvlan and ipvlan interfaces are mirrored");
      skipped_.insert(i.ifindex);
      continue;
    }
    if (net::has_ingress(container, i.ifindex)) {
      if (!logged)
        log_warning(name + " is not given to the zone: it already has an ingress qdisc (another zone in this "
                    "network namespace?)");
      skipped_.insert(i.ifindex);
      continue;
    }
    if (nics_.size() >= devices::kMaxZoneNics)
      throw Error(name + ": the network namespace has more interfaces than a zone supports (" +
                      std::to_string(devices::kMaxZoneNics) + ")",
                  ErrorKind::InvalidArgument, E2BIG);
    if (!host) host.emplace(net::NlSocket::open_in(host_netns_fd_));
    if (!container_netns) container_netns.emplace(net::current_netns());
    with_context(name, [&] {
      const uint32_t devid = next_devid_++;
      recorder_.add(zone::ZoneDevice{std::string(devices::kVifKind), devid});
      nics_.push_back(Nic{devid, i.ifindex, 0, i.name, i.mac, false, nic_config(i)});
      devices::add_vif_device(xs, devices::VifDevice{domid_, devid, i.mac, i.mtu, 0});

      const std::string backend = devices::vif_interface_name(domid_, devid);
      const int in_host = net::wait_for_link(*host, backend, timeout_,
                                             "xen-netback creates it in dom0: is the xen-netback module loaded?");
      net::move_link(*host, in_host, container_netns->get());
      const int wired = net::wait_for_link(container, backend, std::chrono::seconds(5), "moved from dom0");
      net::set_link_up(container, wired, i.mtu);
      nics_.back().backend_ifindex = wired;
      nics_.back().redirected = true;
      net::redirect_ingress(container, i.ifindex, wired);
      net::redirect_ingress(container, wired, i.ifindex);
      devices::mark_vif_connected(xs, domid_, devid);
    });
    to_configure.push_back(nic_config(i));
  }
  return to_configure;
}

// libxl's hot-unplug: the backend goes offline and Closing, the frontend answers Closed and netback lets the
// device go; then the nodes. A zone that does not answer in time loses the NIC anyway.
void ZoneNetwork::unplug(XsHandle& xs, const Nic& nic) {
  const std::string be = devices::vif_backend_path(0, domid_, nic.devid);
  try {
    xs.write(be + "/online", "0");
    xs.write(be + "/state", devices::xenbus_state_value(XenbusStateClosing));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const std::string closed = devices::xenbus_state_value(XenbusStateClosed);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto state = xs.read(be + "/state");
      if (!state || *state == closed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    devices::remove_vif_device(xs, domid_, nic.devid);
  } catch (const std::exception& e) {
    log_warning("zone network: unplugging vif " + std::to_string(nic.devid) + ": " + e.what());
    return;  // still recorded: the zone's teardown or delete --force removes it
  }
  recorder_.remove(zone::ZoneDevice{std::string(devices::kVifKind), nic.devid});
}

void ZoneNetwork::disconnect(XsHandle& xs) noexcept {
  if (nics_.empty()) return;
  try {
    const net::NlSocket container = net::NlSocket::open();
    for (const Nic& nic : nics_)
      if (nic.redirected) net::remove_ingress(container, nic.container_ifindex);
  } catch (const std::exception& e) {
    log_warning("zone network: removing redirects: " + std::string(e.what()));
  }
  for (const Nic& nic : nics_) {
    try {
      devices::remove_vif_device(xs, domid_, nic.devid);
    } catch (const std::exception& e) {
      log_warning("zone network: removing vif " + std::to_string(nic.devid) + ": " + e.what());
    }
  }
  nics_.clear();
}

}  // namespace runz::xen
