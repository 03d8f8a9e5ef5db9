// NETWORK end to end against a real kernel: in a forked child that unshares its network namespace (needs
// root), two links stand in for netfront's NICs (dummy links, or a veth pair where the dummy module is
// absent) and are configured through NetworkSetup. Skipped with a message where neither can be made.
#include "guest/network.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"

#include <doctest/doctest.h>

#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>

using namespace runz::guest;
namespace ap = runz::agent_proto;
using Clock = std::chrono::steady_clock;

namespace {

struct SockFree {
  void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
};
struct LinkFree {
  void operator()(rtnl_link* l) const noexcept { rtnl_link_put(l); }
};

bool add_dummy(nl_sock* sock, const char* name) {
  std::unique_ptr<rtnl_link, LinkFree> link(rtnl_link_alloc());
  if (!link || rtnl_link_set_type(link.get(), "dummy") < 0) return false;
  rtnl_link_set_name(link.get(), name);
  return rtnl_link_add(sock, link.get(), NLM_F_CREATE | NLM_F_EXCL) == 0;
}

// eth0 and eth1 (in the kernel's order), or "" with what failed.
std::string make_two_links() {
  std::unique_ptr<nl_sock, SockFree> sock(nl_socket_alloc());
  if (!sock || nl_connect(sock.get(), NETLINK_ROUTE) < 0) return "netlink socket";
  if (add_dummy(sock.get(), "eth0") && add_dummy(sock.get(), "eth1")) return "";
  if (rtnl_link_veth_add(sock.get(), "eth0", "eth1", ::getpid()) == 0) return "";
  return "neither dummy links nor a veth pair";
}

std::string mac_text(const std::array<uint8_t, 6>& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

std::string mac_of(const std::string& name) {
  Netlink netlink;
  for (const auto& l : netlink.links())
    if (l.name == name && l.mac) return mac_text(*l.mac);
  throw runz::Error("no link " + name);
}

std::string command_output(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) out += buf.data();
  return out;
}

// Problems found, one per line; "SKIP: ..." when the namespace or the links cannot be made.
std::string run_in_fresh_netns() {
  if (::unshare(CLONE_NEWNET) != 0) return std::string("SKIP: unshare(CLONE_NEWNET): ") + std::strerror(errno);
  if (std::string failed = make_two_links(); !failed.empty()) return "SKIP: could not create " + failed;
  std::string problems;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) problems += what + "\n";
  };
  auto contains = [](const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; };

  bring_up_loopback();
  expect(contains(command_output("ip -o link show dev lo"), ",UP"), "lo is not up");

  // The host's eth0 is the NIC netfront named eth1, and the other way round: both renames collide.
  const std::string mac0 = mac_of("eth1");
  const std::string mac1 = mac_of("eth0");
  ap::NetInterface first{"eth0", mac0, 1400, {"172.17.0.2/16", "fd00::2/64"}, {}};
  first.routes = {{"0.0.0.0/0", "172.17.0.1", 0}, {"::/0", "fd00::1", 0}, {"10.9.0.0/16", "", 5}};
  const ap::Network request{{first, {"eth1", mac1, 1500, {"192.168.5.2/24"}, {}}}};
  NetworkSetup setup(request, Clock::now());
  expect(setup.advance(Clock::now()), "the first advance did not finish");

  const std::string link0 = command_output("ip -o link show dev eth0");
  expect(contains(link0, "link/ether " + mac0) && contains(link0, "mtu 1400") && contains(link0, ",UP"),
         "eth0: " + link0);
  expect(contains(command_output("ip -o link show dev eth1"), "link/ether " + mac1), "eth1 has another MAC");
  const std::string addresses = command_output("ip -o addr show dev eth0");
  expect(contains(addresses, "inet 172.17.0.2/16 brd 172.17.255.255"), "no 172.17.0.2/16: " + addresses);
  const std::string ours6 = addresses.substr(std::min(addresses.find("inet6 fd00::2/64"), addresses.size()));
  expect(contains(ours6, "inet6 fd00::2/64") && ours6.substr(0, ours6.find('\n')).find("tentative") == std::string::npos,
         "fd00::2/64 missing or tentative: " + addresses);
  const std::string routes = command_output("ip route show");
  expect(contains(routes, "default via 172.17.0.1 dev eth0"), "no IPv4 default route: " + routes);
  expect(contains(routes, "10.9.0.0/16 dev eth0") && contains(routes, "scope link metric 5"),
         "no on-link route with metric 5: " + routes);
  const std::string routes6 = command_output("ip -6 route show");
  expect(contains(routes6, "default via fd00::1 dev eth0"), "no IPv6 default route: " + routes6);

  // Again: what exists already counts as done.
  NetworkSetup again(request, Clock::now());
  expect(again.advance(Clock::now()), "a repeated NETWORK did not finish");

  // A MAC no link has: not yet, then ETIMEDOUT naming it.
  NetworkSetup missing({{{"eth2", "02:00:00:00:00:99", 1500, {}, {}}}}, Clock::now());
  expect(!missing.advance(Clock::now()), "a missing link counted as configured");
  try {
    missing.advance(Clock::now() + kLinkWait);
    expect(false, "no timeout for a missing link");
  } catch (const runz::Error& e) {
    expect(e.code() == ETIMEDOUT && contains(e.what(), "eth2: no link with MAC 02:00:00:00:00:99"), e.what());
  }

  // The kernel's reason, with the interface, step and value.
  NetworkSetup unreachable({{{"eth0", mac0, 1400, {}, {{"10.10.0.0/16", "192.168.77.1", 0}}}}}, Clock::now());
  try {
    unreachable.advance(Clock::now());
    expect(false, "a route via an unreachable gateway was added");
  } catch (const runz::Error& e) {
    expect(e.code() != 0 && contains(e.what(), "eth0: add route 10.10.0.0/16 via 192.168.77.1 metric 0: "),
           std::string(e.what()) + " (errno " + std::to_string(e.code()) + ")");
  }
  return problems;
}

}  // namespace

TEST_CASE("NETWORK configures links in a fresh network namespace") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: needs root for a network namespace");
    return;
  }
  auto [read_end, write_end] = runz::make_pipe();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    read_end.reset();
    std::string report;
    try {
      report = run_in_fresh_netns();
    } catch (const std::exception& e) {
      report = std::string("exception: ") + e.what();
    }
    runz::try_write_all(write_end.get(), report);
    ::_exit(0);
  }
  write_end.reset();
  std::string report;
  std::array<char, 1024> buf{};
  for (ssize_t n; (n = ::read(read_end.get(), buf.data(), buf.size())) > 0;) report.append(buf.data(), static_cast<size_t>(n));
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  if (report.rfind("SKIP: ", 0) == 0) {
    MESSAGE("skipped: " << report.substr(6));
    return;
  }
  CHECK_MESSAGE(report.empty(), report);
}
