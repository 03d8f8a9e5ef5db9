#include "net/link_watch.hpp"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/error.hpp"

namespace runz::net {

LinkWatch LinkWatch::open() {
  NlSocket sock = NlSocket::open();
  nl_socket_disable_seq_check(sock.get());
  if (int err = nl_socket_add_memberships(sock.get(), RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                                          RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0);
      err < 0)
    throw_nl("watch the network namespace", err);
  if (int err = nl_socket_set_nonblocking(sock.get()); err < 0) throw_nl("watch the network namespace", err);
  return LinkWatch(std::move(sock));
}

int LinkWatch::fd() const noexcept { return nl_socket_get_fd(sock_.get()); }

bool LinkWatch::drain() {
  bool changed = false;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(fd(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      changed = true;
      continue;
    }
    if (n == 0) return changed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return changed;
    if (errno == ENOBUFS) {  // announcements were dropped: the caller rereads everything anyway
      changed = true;
      continue;
    }
    throw_errno("read network namespace changes");
  }
}

}  // namespace runz::net
