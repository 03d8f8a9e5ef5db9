// The zone's rtnetlink, through libnl-route-3: the few link, address and route operations NETWORK needs
// (guest/network.hpp), each libnl object held by a unique_ptr that frees it. libnl reports its own error
// codes (NLE_*); they are mapped back to the errno the kernel gave where libnl has one for it, so ERROR
// carries "File exists" (EEXIST), not "Object exists".
#pragma once

#include "agent-proto/net_address.hpp"

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

struct NlAddrFree {
  void operator()(nl_addr* a) const noexcept { nl_addr_put(a); }
};
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrFree>;

// A libnl address of `prefix` (its address bytes, family and prefix length).
NlAddrPtr to_nl_addr(const agent_proto::IpPrefix& prefix);
// A host address: prefix length 32 or 128.
NlAddrPtr to_nl_addr(const agent_proto::IpAddress& address);

// The errno behind a libnl error code (negative or not); 0 when libnl's code has no errno.
int errno_of_nl_error(int nl_error) noexcept;
// Throws runz::Error("<what>: <strerror>", errno), or libnl's own text when there is no errno; just the text
// when `what` is empty (the caller adds the context).
[[noreturn]] void throw_nl_error(std::string_view what, int nl_error);

struct LinkState {
  int ifindex = 0;
  std::string name;
  std::optional<std::array<uint8_t, 6>> mac;  // Ethernet links only
  bool up = false;                            // IFF_UP
};

// Every operation throws runz::Error with the kernel's reason only ("File exists"); callers name the step.
// The kernel's errno is taken from its NLMSG_ERROR answer (libnl folds most errnos into NLE_FAILURE).
class Netlink {
 public:
  // A NETLINK_ROUTE socket of the calling thread's network namespace.
  Netlink();
  Netlink(const Netlink&) = delete;  // the socket's error callback points at kernel_errno_
  Netlink& operator=(const Netlink&) = delete;

  // Every link of the namespace, read afresh.
  std::vector<LinkState> links();
  void set_name(int ifindex, const std::string& name);
  void set_mtu(int ifindex, uint32_t mtu);
  void set_up(int ifindex, bool up);
  // The address with its prefix on the link; IPv4 with its broadcast address, IPv6 without DAD (usable at
  // once). EEXIST counts as done.
  void add_address(int ifindex, const agent_proto::IpPrefix& address);
  // A route in the main table through the link: via `gateway`, or on-link without one. EEXIST counts as done.
  void add_route(int ifindex, const agent_proto::IpPrefix& destination,
                 const std::optional<agent_proto::IpAddress>& gateway, uint32_t metric);

 private:
  struct SockFree {
    void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
  };
  // RTM_NEWLINK for the link `ifindex` with what `fill` set on a change object.
  template <class Fill>
  void change_link(int ifindex, Fill fill);

  // Throws the failure of the last request: the kernel's errno if it sent one, else libnl's code.
  [[noreturn]] void fail(int nl_error) const;
  bool already_exists(int nl_error) const noexcept;

  std::unique_ptr<nl_sock, SockFree> sock_;
  int kernel_errno_ = 0;  // of the last NLMSG_ERROR; reset before each request
};

}  // namespace runz::guest
