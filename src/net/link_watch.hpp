// Changes to a network namespace's links, addresses and routes, as rtnetlink announces them: the monitor
// follows them so an interface added to the container's namespace while it runs (`docker network connect`,
// a CNI plugin chained later) becomes a zone NIC, and one removed is withdrawn.
#pragma once

#include <chrono>

#include "net/netlink.hpp"

namespace runz::net {

class LinkWatch {
 public:
  // Subscribed in the calling thread's namespace to link, IPv4/IPv6 address and route changes.
  static LinkWatch open();

  // Readable when a change was announced.
  int fd() const noexcept;
  // Reads every pending announcement; true if there was one. What changed is not kept: the caller reads
  // the namespace again (interfaces.hpp), which also covers announcements the socket dropped (ENOBUFS).
  bool drain();

 private:
  explicit LinkWatch(NlSocket sock) : sock_(std::move(sock)) {}
  NlSocket sock_;
};

}  // namespace runz::net
