// What a network namespace holds for a container: its interfaces with their MAC, MTU, addresses and routes,
// as the tools that set it up (libnetwork, netavark, CNI) left them. Read once the hooks have run; the zone
// gets one NIC per interface that can be mirrored (interface_kind_supported).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/netlink.hpp"

namespace runz::net {

struct RouteInfo {
  std::string destination;  // CIDR, "0.0.0.0/0" / "::/0" for a default route
  std::string gateway;      // empty: on-link
  uint32_t metric = 0;
  bool operator==(const RouteInfo&) const = default;
};

struct InterfaceInfo {
  int ifindex = 0;
  std::string name;
  std::string kind;  // rtnetlink's IFLA_INFO_KIND ("veth", "macvlan"...), empty for a device without one
  std::string mac;   // lower-case "aa:bb:cc:dd:ee:ff"
  uint32_t mtu = 0;
  std::vector<std::string> addresses;  // CIDR; not link-local IPv6 (the zone derives it from the same MAC)
  std::vector<RouteInfo> routes;       // main table, via this interface; not the kernel's own prefix routes
};

// Whether an interface of this kind becomes a zone NIC: veth (Docker, CNI bridge/ptp, Podman), macvlan and
// ipvlan (CNI). Others (a tun, a bridge, a physical device) would need more than a redirect of frames.
bool interface_kind_supported(std::string_view kind) noexcept;

// Every interface of the socket's namespace but loopback, in ifindex order, with its addresses and routes.
std::vector<InterfaceInfo> read_interfaces(const NlSocket& sock);

// "a.b.c.d/len" of an address in network byte order (family AF_INET or AF_INET6).
std::string format_cidr(int family, const void* address, unsigned prefix);
// True for IPv6 link-local (fe80::/10) and multicast (ff00::/8) destinations: never copied to the zone.
bool is_ipv6_link_scope(const std::string& cidr) noexcept;

}  // namespace runz::net
