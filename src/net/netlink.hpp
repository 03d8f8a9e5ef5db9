// rtnetlink through libnl-route-3: a socket bound to one network namespace, and libnl's errors as
// runz::Error. Every object libnl allocates is owned by a unique_ptr with libnl's own release function.
#pragma once

#include <memory>
#include <string_view>

extern "C" {
#include <netlink/netlink.h>
#include <netlink/route/link.h>
}

namespace runz::net {

struct NlSockFree {
  void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
};
struct NlCacheFree {
  void operator()(nl_cache* c) const noexcept { nl_cache_free(c); }
};
struct NlObjectPut {
  void operator()(nl_object* o) const noexcept { nl_object_put(o); }
};
struct RtnlLinkPut {
  void operator()(rtnl_link* l) const noexcept { rtnl_link_put(l); }
};
using CachePtr = std::unique_ptr<nl_cache, NlCacheFree>;
using LinkPtr = std::unique_ptr<rtnl_link, RtnlLinkPut>;

// A connected NETLINK_ROUTE socket. A socket stays in the namespace it was opened in, whatever the process
// does later: that is how one process talks to dom0's namespace and a container's at once.
class NlSocket {
 public:
  // In the calling thread's network namespace.
  static NlSocket open();
  // In the namespace `netns_fd` refers to (the thread enters it for the socket() call and comes back).
  static NlSocket open_in(int netns_fd);

  nl_sock* get() const noexcept { return sock_.get(); }

 private:
  explicit NlSocket(std::unique_ptr<nl_sock, NlSockFree> s) : sock_(std::move(s)) {}
  std::unique_ptr<nl_sock, NlSockFree> sock_;
};

// libnl's negative NLE_* code as runz::Error: "<what>: <libnl's text>", with the nearest errno.
[[noreturn]] void throw_nl(std::string_view what, int nl_error);
// The errno nearest to a libnl error code (EIO when none is).
int errno_of_nl(int nl_error) noexcept;

// Every link of the socket's namespace (a fresh cache).
CachePtr link_cache(const NlSocket& sock);

}  // namespace runz::net
