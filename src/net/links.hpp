// Changes to one link: find it by name, move it to another network namespace, set its MTU and bring it up.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "net/netlink.hpp"

namespace runz::net {

// The link's ifindex in the socket's namespace, or nullopt.
std::optional<int> find_link(const NlSocket& sock, const std::string& name);
// Polls find_link until the link exists; throws after `timeout` naming it and `why` (what creates it).
int wait_for_link(const NlSocket& sock, const std::string& name, std::chrono::milliseconds timeout,
                  const std::string& why);
// Moves the link into the namespace `netns_fd` refers to (RTM_NEWLINK with IFLA_NET_NS_FD); it keeps its name.
void move_link(const NlSocket& sock, int ifindex, int netns_fd);
// MTU (0: leave it) and IFF_UP.
void set_link_up(const NlSocket& sock, int ifindex, uint32_t mtu);

}  // namespace runz::net
