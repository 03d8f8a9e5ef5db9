#include "guest/netlink.hpp"

#include "common/error.hpp"

#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

namespace runz::guest {

namespace {

namespace ap = agent_proto;

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const noexcept { Free(p); }
};
using CachePtr = std::unique_ptr<nl_cache, Freer<nl_cache, nl_cache_free>>;
using LinkPtr = std::unique_ptr<rtnl_link, Freer<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, Freer<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Freer<rtnl_route, rtnl_route_put>>;
using NexthopPtr = std::unique_ptr<rtnl_nexthop, Freer<rtnl_nexthop, rtnl_route_nh_free>>;

template <class Ptr, class Alloc>
Ptr allocate(Alloc alloc, std::string_view what) {
  Ptr p(alloc());
  if (!p) throw Error("netlink: allocate " + std::string(what), ENOMEM);
  return p;
}

// libnl's codes with the errno the kernel (or libnl's syscall) gave for them.
struct ErrnoOf {
  int nl_error;
  int errno_value;
};
constexpr ErrnoOf kErrnoOf[] = {
    {NLE_INTR, EINTR},          {NLE_BAD_SOCK, EBADF},         {NLE_AGAIN, EAGAIN},
    {NLE_NOMEM, ENOMEM},        {NLE_EXIST, EEXIST},           {NLE_INVAL, EINVAL},
    {NLE_RANGE, ERANGE},        {NLE_MSGSIZE, EMSGSIZE},       {NLE_OPNOTSUPP, EOPNOTSUPP},
    {NLE_AF_NOSUPPORT, EAFNOSUPPORT}, {NLE_OBJ_NOTFOUND, ENOENT}, {NLE_NOADDR, EADDRNOTAVAIL},
    {NLE_BUSY, EBUSY},          {NLE_NOACCESS, EACCES},        {NLE_PERM, EPERM},
    {NLE_NODEV, ENODEV},
};

// Keeps the errno of the kernel's NLMSG_ERROR; NL_STOP lets libnl return its own code as before.
int record_errno(sockaddr_nl*, nlmsgerr* error, void* arg) {
  *static_cast<int*>(arg) = -error->error;
  return NL_STOP;
}

// The IPv4 broadcast address of a prefix (host bits all ones), as `ip address add ... brd +` and Docker set it.
ap::IpAddress broadcast_of(const ap::IpPrefix& prefix) {
  ap::IpAddress b = prefix.address;
  for (unsigned bit = prefix.length; bit < 32; ++bit) b.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  return b;
}

}  // namespace

int errno_of_nl_error(int nl_error) noexcept {
  const int code = std::abs(nl_error);
  for (const auto& entry : kErrnoOf)
    if (entry.nl_error == code) return entry.errno_value;
  return 0;
}

void throw_nl_error(std::string_view what, int nl_error) {
  const int errno_value = errno_of_nl_error(nl_error);
  const char* text = errno_value != 0 ? std::strerror(errno_value) : nl_geterror(nl_error);
  throw Error(what.empty() ? std::string(text) : std::string(what) + ": " + text, errno_value);
}

NlAddrPtr to_nl_addr(const ap::IpPrefix& prefix) {
  NlAddrPtr a(nl_addr_build(prefix.address.family, prefix.address.bytes.data(), prefix.address.size()));
  if (!a) throw Error("netlink: allocate an address", ENOMEM);
  nl_addr_set_prefixlen(a.get(), static_cast<int>(prefix.length));
  return a;
}

NlAddrPtr to_nl_addr(const ap::IpAddress& address) { return to_nl_addr(ap::IpPrefix{address, address.max_prefix()}); }

Netlink::Netlink() : sock_(nl_socket_alloc()) {
  if (!sock_) throw Error("netlink: allocate a socket", ENOMEM);
  if (const int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0) throw_nl_error("netlink: connect", err);
  if (const int err = nl_socket_modify_err_cb(sock_.get(), NL_CB_CUSTOM, record_errno, &kernel_errno_); err < 0)
    throw_nl_error("netlink: set the error callback", err);
}

void Netlink::fail(int nl_error) const {
  if (kernel_errno_ > 0) throw Error(std::strerror(kernel_errno_), kernel_errno_);
  throw_nl_error("", nl_error);
}

bool Netlink::already_exists(int nl_error) const noexcept {
  return kernel_errno_ > 0 ? kernel_errno_ == EEXIST : errno_of_nl_error(nl_error) == EEXIST;
}

std::vector<LinkState> Netlink::links() {
  nl_cache* raw = nullptr;
  kernel_errno_ = 0;
  if (const int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw); err < 0)
    with_context("list links", [&] { fail(err); });
  const CachePtr cache(raw);
  std::vector<LinkState> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* link = reinterpret_cast<rtnl_link*>(o);  // a link cache holds rtnl_link objects
    LinkState s;
    s.ifindex = rtnl_link_get_ifindex(link);
    if (const char* name = rtnl_link_get_name(link)) s.name = name;
    s.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
    if (nl_addr* mac = rtnl_link_get_addr(link); mac != nullptr && nl_addr_get_len(mac) == 6) {
      std::array<uint8_t, 6> bytes{};
      std::memcpy(bytes.data(), nl_addr_get_binary_addr(mac), bytes.size());
      s.mac = bytes;
    }
    out.push_back(std::move(s));
  }
  return out;
}

template <class Fill>
void Netlink::change_link(int ifindex, Fill fill) {
  // The original only needs the index: the request names the link by it, and the flag mask keeps the
  // other flags as the kernel has them.
  const auto orig = allocate<LinkPtr>(rtnl_link_alloc, "a link");
  rtnl_link_set_ifindex(orig.get(), ifindex);
  const auto changes = allocate<LinkPtr>(rtnl_link_alloc, "a link");
  fill(changes.get());
  kernel_errno_ = 0;
  if (const int err = rtnl_link_change(sock_.get(), orig.get(), changes.get(), 0); err < 0) fail(err);
}

void Netlink::set_name(int ifindex, const std::string& name) {
  change_link(ifindex, [&](rtnl_link* l) { rtnl_link_set_name(l, name.c_str()); });
}

void Netlink::set_mtu(int ifindex, uint32_t mtu) {
  change_link(ifindex, [&](rtnl_link* l) { rtnl_link_set_mtu(l, mtu); });
}

void Netlink::set_up(int ifindex, bool up) {
  change_link(ifindex, [&](rtnl_link* l) { up ? rtnl_link_set_flags(l, IFF_UP) : rtnl_link_unset_flags(l, IFF_UP); });
}

void Netlink::add_address(int ifindex, const ap::IpPrefix& address) {
  const auto addr = allocate<AddrPtr>(rtnl_addr_alloc, "an address");
  const NlAddrPtr local = to_nl_addr(address);
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_family(addr.get(), address.address.family);
  if (const int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) throw_nl_error("", err);
  rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(address.length));
  if (address.address.family == AF_INET6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  // /31 and /32 have no broadcast address (RFC 3021)
  if (address.address.family == AF_INET && address.length <= 30) {
    if (const int err = rtnl_addr_set_broadcast(addr.get(), to_nl_addr(broadcast_of(address)).get()); err < 0)
      throw_nl_error("", err);
  }
  kernel_errno_ = 0;
  const int err = rtnl_addr_add(sock_.get(), addr.get(), NLM_F_EXCL);
  if (err < 0 && !already_exists(err)) fail(err);
}

void Netlink::add_route(int ifindex, const ap::IpPrefix& destination, const std::optional<ap::IpAddress>& gateway,
                        uint32_t metric) {
  const auto route = allocate<RoutePtr>(rtnl_route_alloc, "a route");
  const NlAddrPtr dst = to_nl_addr(destination);
  rtnl_route_set_family(route.get(), static_cast<uint8_t>(destination.address.family));
  if (const int err = rtnl_route_set_dst(route.get(), dst.get()); err < 0) throw_nl_error("", err);
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  rtnl_route_set_scope(route.get(), gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
  rtnl_route_set_priority(route.get(), metric);
  auto nexthop = allocate<NexthopPtr>(rtnl_route_nh_alloc, "a next hop");
  rtnl_route_nh_set_ifindex(nexthop.get(), ifindex);
  if (gateway) rtnl_route_nh_set_gateway(nexthop.get(), to_nl_addr(*gateway).get());
  rtnl_route_add_nexthop(route.get(), nexthop.release());  // the route owns it from here
  kernel_errno_ = 0;
  const int err = rtnl_route_add(sock_.get(), route.get(), NLM_F_EXCL);
  if (err < 0 && !already_exists(err)) fail(err);
}

}  // namespace runz::guest
