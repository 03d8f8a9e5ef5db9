#include "net/links.hpp"

#include <net/if.h>

#include <thread>

#include "common/error.hpp"

namespace runz::net {
namespace {

LinkPtr link_with_index(int ifindex) {
  LinkPtr l(rtnl_link_alloc());
  if (!l) throw Error("netlink: out of memory", ENOMEM);
  rtnl_link_set_ifindex(l.get(), ifindex);
  return l;
}

void change(const NlSocket& sock, int ifindex, rtnl_link* changes, const std::string& what) {
  LinkPtr orig = link_with_index(ifindex);
  if (int err = rtnl_link_change(sock.get(), orig.get(), changes, 0); err < 0)
    throw_nl(what + " (link " + std::to_string(ifindex) + ")", err);
}

}  // namespace

std::optional<int> find_link(const NlSocket& sock, const std::string& name) {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &raw);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return std::nullopt;
  if (err < 0) throw_nl("look up link " + runz::quoted(name), err);
  LinkPtr link(raw);
  return rtnl_link_get_ifindex(link.get());
}

int wait_for_link(const NlSocket& sock, const std::string& name, std::chrono::milliseconds timeout,
                  const std::string& why) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto ifindex = find_link(sock, name)) return *ifindex;
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error("link " + runz::quoted(name) + " did not appear within " + std::to_string(timeout.count()) +
                      " ms (" + why + ")",
                  ErrorKind::Timeout, ETIMEDOUT);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void move_link(const NlSocket& sock, int ifindex, int netns_fd) {
  LinkPtr changes(rtnl_link_alloc());
  if (!changes) throw Error("netlink: out of memory", ENOMEM);
  rtnl_link_set_ns_fd(changes.get(), netns_fd);
  change(sock, ifindex, changes.get(), "move link to the container's network namespace");
}

void set_link_up(const NlSocket& sock, int ifindex, uint32_t mtu) {
  LinkPtr changes(rtnl_link_alloc());
  if (!changes) throw Error("netlink: out of memory", ENOMEM);
  if (mtu != 0) rtnl_link_set_mtu(changes.get(), mtu);
  rtnl_link_set_flags(changes.get(), IFF_UP);
  change(sock, ifindex, changes.get(), "set link up");
}

}  // namespace runz::net
