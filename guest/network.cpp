#include "guest/network.hpp"

#include "common/error.hpp"
#include "guest/rename_plan.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

namespace runz::guest {

namespace {

namespace ap = agent_proto;

// Validated by parse_network; the agent reads the same text again.
template <class T>
T must(std::optional<T> value, const std::string& text) {
  if (!value) throw Error(runz::quoted(text) + " is not valid", EINVAL);
  return *value;
}

void rename_link(Netlink& netlink, const std::vector<LinkState>& links, const Rename& step) {
  // The kernel renames only a link that is down (EBUSY otherwise); one moved aside goes back up after.
  auto it = std::find_if(links.begin(), links.end(), [&](const LinkState& l) { return l.ifindex == step.ifindex; });
  const bool was_up = it != links.end() && it->up;
  if (was_up) netlink.set_up(step.ifindex, false);
  netlink.set_name(step.ifindex, step.to);
  if (was_up) netlink.set_up(step.ifindex, true);
}

}  // namespace

bool configure_interface(Netlink& netlink, const ap::NetInterface& nic) {
  const auto mac = must(ap::parse_mac(nic.mac), nic.mac);
  const std::vector<LinkState> links = netlink.links();
  auto self = std::find_if(links.begin(), links.end(), [&](const LinkState& l) { return l.mac == mac; });
  if (self == links.end()) return false;
  const int ifindex = self->ifindex;
  const std::string& name = nic.name;

  std::vector<LinkName> names;
  for (const auto& l : links) names.push_back({l.ifindex, l.name});
  for (const Rename& step : plan_rename(names, ifindex, name)) {
    with_context(name + ": rename " + step.from + " to " + step.to, [&] { rename_link(netlink, links, step); });
  }
  with_context(name + ": set mtu " + std::to_string(nic.mtu),
               [&] { netlink.set_mtu(ifindex, nic.mtu); });
  with_context(name + ": set up", [&] { netlink.set_up(ifindex, true); });
  for (const auto& address : nic.addresses) {
    with_context(name + ": add address " + address,
                 [&] { netlink.add_address(ifindex, must(ap::parse_cidr(address), address)); });
  }
  for (const auto& route : nic.routes) {
    const std::string what = name + ": add route " + route.destination +
                             (route.gateway.empty() ? "" : " via " + route.gateway) + " metric " +
                             std::to_string(route.metric);
    with_context(what, [&] {
      std::optional<ap::IpAddress> gateway;
      if (!route.gateway.empty()) gateway = must(ap::parse_ip_address(route.gateway), route.gateway);
      netlink.add_route(ifindex, must(ap::parse_cidr(route.destination), route.destination), gateway, route.metric);
    });
  }
  return true;
}

NetworkSetup::NetworkSetup(ap::Network request, Clock::time_point now)
    : request_(std::move(request)), waiting_since_(now), next_try_(now) {}

bool NetworkSetup::advance(Clock::time_point now) {
  while (next_ < request_.interfaces.size()) {
    const ap::NetInterface& nic = request_.interfaces[next_];
    if (!configure_interface(netlink_, nic)) {
      if (now - waiting_since_ >= kLinkWait)
        throw Error(nic.name + ": no link with MAC " + nic.mac + " appeared within " +
                        std::to_string(kLinkWait.count()) + " s",
                    ETIMEDOUT);
      next_try_ = now + kLinkPollInterval;
      return false;
    }
    ++next_;
    waiting_since_ = now;
  }
  return true;
}

void bring_up_loopback() {
  Netlink netlink;
  for (const auto& link : netlink.links()) {
    if (link.name != "lo") continue;
    if (!link.up) with_context("lo: set up", [&] { netlink.set_up(link.ifindex, true); });
    return;
  }
  throw Error("no loopback link `lo`", ENODEV);
}

}  // namespace runz::guest
