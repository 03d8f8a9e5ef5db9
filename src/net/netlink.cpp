#include "net/netlink.hpp"

#include <sched.h>

#include <cerrno>
#include <optional>
#include <string>

extern "C" {
#include <netlink/errno.h>
}

#include "common/error.hpp"
#include "common/fd.hpp"
#include "net/netns.hpp"

namespace runz::net {

NlSocket NlSocket::open() {
  std::unique_ptr<nl_sock, NlSockFree> s(nl_socket_alloc());
  if (!s) throw Error("netlink: out of memory", ENOMEM);
  if (int err = nl_connect(s.get(), NETLINK_ROUTE); err < 0) throw_nl("netlink: connect", err);
  return NlSocket(std::move(s));
}

NlSocket NlSocket::open_in(int netns_fd) {
  UniqueFd own = current_netns();
  enter_netns(netns_fd);
  std::optional<NlSocket> s;
  std::optional<Error> failed;
  try {
    s.emplace(open());
  } catch (const Error& e) {
    failed = e;
  }
  // Back where the thread was, before anything else runs on it; failing that, nothing it does is safe.
  if (::setns(own.get(), CLONE_NEWNET) != 0) throw_errno("return to own network namespace");
  if (failed) throw *failed;
  return std::move(*s);
}

int errno_of_nl(int nl_error) noexcept {
  switch (nl_error < 0 ? -nl_error : nl_error) {
    case NLE_EXIST: return EEXIST;
    case NLE_NODEV: return ENODEV;
    case NLE_OBJ_NOTFOUND: return ENOENT;
    case NLE_PERM: return EPERM;
    case NLE_NOACCESS: return EACCES;
    case NLE_NOMEM: return ENOMEM;
    case NLE_INVAL: return EINVAL;
    case NLE_BUSY: return EBUSY;
    case NLE_RANGE: return ERANGE;
    case NLE_OPNOTSUPP: return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
    default: return EIO;
  }
}

void throw_nl(std::string_view what, int nl_error) {
  throw Error(std::string(what) + ": " + nl_geterror(nl_error), errno_of_nl(nl_error));
}

CachePtr link_cache(const NlSocket& sock) {
  nl_cache* cache = nullptr;
  if (int err = rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &cache); err < 0) throw_nl("list links", err);
  return CachePtr(cache);
}

}  // namespace runz::net
