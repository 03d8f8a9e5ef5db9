#include <doctest/doctest.h>
#include <sched.h>
#include <unistd.h>

#include <optional>
#include <thread>

extern "C" {
#include <netlink/route/addr.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
}

#include "common/error.hpp"
#include "net/interfaces.hpp"
#include "net/links.hpp"
#include "net/netns.hpp"
#include "net/tc_redirect.hpp"

namespace runz::net {
namespace {

// A socket in a new, empty network namespace (unshared by a thread of its own, which then ends: the socket
// keeps the namespace). nullopt where this process may not create one (not root).
// With `veth`, a veth pair ceth0/cpeer0 in it, made by that thread (libnl's veth_add puts the peer where
// the given task is: the thread, by its tid).
struct ScratchNetns {
  std::optional<NlSocket> sock;
  UniqueFd fd;
  std::string veth_error;
};
ScratchNetns scratch_netns(bool veth = false) {
  ScratchNetns s;
  std::thread([&] {
    try {
      unshare_netns();
      s.fd = current_netns();
      s.sock.emplace(NlSocket::open());
      if (veth) {
        if (int err = rtnl_link_veth_add(s.sock->get(), "ceth0", "cpeer0", static_cast<pid_t>(::gettid())); err < 0)
          s.veth_error = nl_geterror(err);
      }
    } catch (const std::exception&) {
      s.sock.reset();
    }
  }).join();
  return s;
}

void add_address(const NlSocket& sock, int ifindex, const char* cidr) {
  nl_addr* local = nullptr;
  REQUIRE(nl_addr_parse(cidr, AF_UNSPEC, &local) == 0);
  rtnl_addr* a = rtnl_addr_alloc();
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_local(a, local);
  const int err = rtnl_addr_add(sock.get(), a, 0);
  rtnl_addr_put(a);
  nl_addr_put(local);
  REQUIRE(err == 0);
}

void add_default_route(const NlSocket& sock, int ifindex, const char* gateway) {
  nl_addr* dst = nullptr;
  nl_addr* gw = nullptr;
  REQUIRE(nl_addr_parse("default", AF_INET, &dst) == 0);
  REQUIRE(nl_addr_parse(gateway, AF_INET, &gw) == 0);
  rtnl_route* r = rtnl_route_alloc();
  rtnl_route_set_family(r, AF_INET);
  rtnl_route_set_dst(r, dst);
  rtnl_route_set_protocol(r, RTPROT_BOOT);
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(hop, ifindex);
  rtnl_route_nh_set_gateway(hop, gw);
  rtnl_route_add_nexthop(r, hop);
  const int err = rtnl_route_add(sock.get(), r, 0);
  rtnl_route_put(r);
  nl_addr_put(dst);
  nl_addr_put(gw);
  REQUIRE(err == 0);
}

}  // namespace

TEST_CASE("format_cidr and link-scope IPv6") {
  const unsigned char v4[4] = {172, 17, 0, 2};
  CHECK(format_cidr(AF_INET, v4, 16) == "172.17.0.2/16");
  CHECK(is_ipv6_link_scope("fe80::1/64"));
  CHECK(is_ipv6_link_scope("FE80::1/64"));
  CHECK(is_ipv6_link_scope("ff02::1/128"));
  CHECK_FALSE(is_ipv6_link_scope("fd00::2/64"));
  CHECK_FALSE(is_ipv6_link_scope("172.17.0.2/16"));
}

TEST_CASE("interface kinds a zone NIC can mirror") {
  CHECK(interface_kind_supported("veth"));
  CHECK(interface_kind_supported("macvlan"));
  CHECK(interface_kind_supported("ipvlan"));
  CHECK_FALSE(interface_kind_supported("bridge"));
  CHECK_FALSE(interface_kind_supported("tun"));
  CHECK_FALSE(interface_kind_supported(""));
}

TEST_CASE("open_netns names the path and refuses what is not a network namespace") {
  CHECK_THROWS_WITH_AS(open_netns("/nonexistent/netns"), doctest::Contains("/nonexistent/netns"), Error);
  CHECK_THROWS_WITH_AS(open_netns("/etc/hostname"), doctest::Contains("not a namespace"), Error);
  CHECK_THROWS_WITH_AS(open_netns("/proc/self/ns/ipc"), doctest::Contains("another type"), Error);
  CHECK_NOTHROW(open_netns("/proc/self/ns/net"));
}

TEST_CASE("a namespace's veth with its address and default route, redirected at ingress") {
  ScratchNetns ns = scratch_netns(true);
  if (!ns.sock) {
    MESSAGE("skipped: cannot create a network namespace here (needs root)");
    return;
  }
  const NlSocket& sock = *ns.sock;
  if (!ns.veth_error.empty()) {
    MESSAGE("skipped: no veth here: " << ns.veth_error);
    return;
  }
  const int eth = wait_for_link(sock, "ceth0", std::chrono::seconds(2), "veth");
  const std::optional<int> peer = find_link(sock, "cpeer0");
  REQUIRE(peer);
  const int other = *peer;
  set_link_up(sock, other, 1400);
  set_link_up(sock, eth, 1400);
  add_address(sock, eth, "10.9.0.2/24");
  add_address(sock, eth, "fd00:9::2/64");
  add_default_route(sock, eth, "10.9.0.1");

  const std::vector<InterfaceInfo> all = read_interfaces(sock);
  REQUIRE(all.size() == 2);  // loopback is not listed
  const InterfaceInfo& i = all[0].name == "ceth0" ? all[0] : all[1];
  CHECK(i.name == "ceth0");
  CHECK(i.kind == "veth");
  CHECK(i.mtu == 1400);
  CHECK(i.mac.size() == 17);
  CHECK(i.addresses == std::vector<std::string>{"10.9.0.2/24", "fd00:9::2/64"});
  REQUIRE(i.routes.size() == 1);  // the kernel's prefix routes are left to the zone's kernel
  CHECK(i.routes[0] == RouteInfo{"0.0.0.0/0", "10.9.0.1", 0});

  CHECK_FALSE(has_ingress(sock, eth));
  redirect_ingress(sock, eth, other);
  CHECK(has_ingress(sock, eth));
  CHECK_THROWS_AS(redirect_ingress(sock, eth, other), Error);  // already taken
  remove_ingress(sock, eth);
  CHECK_FALSE(has_ingress(sock, eth));
  CHECK_NOTHROW(remove_ingress(sock, eth));  // gone already: not an error

  // Moving a link to another namespace: out of the scratch one, into a second scratch one.
  ScratchNetns second = scratch_netns();
  REQUIRE(second.sock);
  move_link(sock, other, second.fd.get());
  CHECK_FALSE(find_link(sock, "cpeer0"));
  CHECK(find_link(*second.sock, "cpeer0"));
  CHECK_THROWS_WITH_AS(wait_for_link(sock, "cpeer0", std::chrono::milliseconds(50), "test"),
                       doctest::Contains("did not appear"), Error);
}

}  // namespace runz::net
