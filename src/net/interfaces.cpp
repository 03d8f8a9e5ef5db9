#include "net/interfaces.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

extern "C" {
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
}

#include "common/error.hpp"

namespace runz::net {
namespace {

struct NlAddrPut {
  void operator()(nl_addr* a) const noexcept { nl_addr_put(a); }
};

std::string format_mac(nl_addr* addr) {
  if (addr == nullptr || nl_addr_get_len(addr) != 6) return "";
  const auto* b = static_cast<const unsigned char*>(nl_addr_get_binary_addr(addr));
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return text;
}

std::string cidr_of(nl_addr* addr) {
  const int family = nl_addr_get_family(addr);
  if (family != AF_INET && family != AF_INET6) return "";
  const unsigned len = nl_addr_get_len(addr);
  if (len == 0) return family == AF_INET ? "0.0.0.0/0" : "::/0";  // libnl's "default"
  if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16)) return "";
  return format_cidr(family, nl_addr_get_binary_addr(addr), nl_addr_get_prefixlen(addr));
}

std::string address_of(nl_addr* addr) {
  if (addr == nullptr) return "";
  std::string cidr = cidr_of(addr);
  if (auto slash = cidr.find('/'); slash != std::string::npos) cidr.resize(slash);
  return cidr;
}

template <class Fn>
void for_each_object(nl_cache* cache, Fn fn) {
  for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) fn(o);
}

}  // namespace

bool interface_kind_supported(std::string_view kind) noexcept {
  return kind == "veth" || kind == "macvlan" || kind == "ipvlan";
}

std::string format_cidr(int family, const void* address, unsigned prefix) {
  char text[INET6_ADDRSTRLEN];
  if (::inet_ntop(family, address, text, sizeof text) == nullptr) throw_errno("format address");
  return std::string(text) + "/" + std::to_string(prefix);
}

bool is_ipv6_link_scope(const std::string& cidr) noexcept {
  if (cidr.find(':') == std::string::npos) return false;
  const std::string head = cidr.substr(0, 4);
  std::string lower(head.size(), '\0');
  std::transform(head.begin(), head.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return lower.starts_with("fe8") || lower.starts_with("fe9") || lower.starts_with("fea") ||
         lower.starts_with("feb") || lower.starts_with("ff");
}

std::vector<InterfaceInfo> read_interfaces(const NlSocket& sock) {
  std::vector<InterfaceInfo> result;
  CachePtr links = link_cache(sock);
  for_each_object(links.get(), [&](nl_object* o) {
    auto* link = reinterpret_cast<rtnl_link*>(o);
    if (rtnl_link_get_flags(link) & IFF_LOOPBACK) return;
    InterfaceInfo info;
    info.ifindex = rtnl_link_get_ifindex(link);
    info.name = rtnl_link_get_name(link) ? rtnl_link_get_name(link) : "";
    info.kind = rtnl_link_get_type(link) ? rtnl_link_get_type(link) : "";
    info.mac = format_mac(rtnl_link_get_addr(link));
    info.mtu = rtnl_link_get_mtu(link);
    result.push_back(std::move(info));
  });
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.ifindex < b.ifindex; });
  auto find = [&](int ifindex) -> InterfaceInfo* {
    for (auto& i : result)
      if (i.ifindex == ifindex) return &i;
    return nullptr;
  };

  nl_cache* raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(sock.get(), &raw); err < 0) throw_nl("list addresses", err);
  CachePtr addrs(raw);
  for_each_object(addrs.get(), [&](nl_object* o) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    InterfaceInfo* i = find(rtnl_addr_get_ifindex(a));
    nl_addr* local = rtnl_addr_get_local(a);
    if (i == nullptr || local == nullptr) return;
    std::string cidr = cidr_of(local);
    if (cidr.empty() || is_ipv6_link_scope(cidr)) return;
    i->addresses.push_back(std::move(cidr));
  });

  raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sock.get(), AF_UNSPEC, 0, &raw); err < 0) throw_nl("list routes", err);
  CachePtr routes(raw);
  for_each_object(routes.get(), [&](nl_object* o) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST) return;
    if (rtnl_route_get_protocol(r) == RTPROT_KERNEL) return;  // the zone's kernel makes its own
    if (rtnl_route_get_nnexthops(r) != 1) return;             // multipath: not something CNI sets up
    rtnl_nexthop* hop = rtnl_route_nexthop_n(r, 0);
    InterfaceInfo* i = find(rtnl_route_nh_get_ifindex(hop));
    if (i == nullptr) return;
    RouteInfo info;
    info.destination = cidr_of(rtnl_route_get_dst(r));
    if (info.destination.empty() || is_ipv6_link_scope(info.destination)) return;
    info.gateway = address_of(rtnl_route_nh_get_gateway(hop));
    info.metric = rtnl_route_get_priority(r);
    i->routes.push_back(std::move(info));
  });
  return result;
}

}  // namespace runz::net
