#include "guest/netlink.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

#include <netlink/errno.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <string>

using namespace runz::guest;
namespace ap = runz::agent_proto;

namespace {

std::string text_of(const nl_addr* a) {
  char buf[128];
  return nl_addr2str(a, buf, sizeof buf);
}

}  // namespace

TEST_CASE("CIDR text to libnl addresses") {
  const NlAddrPtr v4 = to_nl_addr(*ap::parse_cidr("172.17.0.2/16"));
  CHECK(nl_addr_get_family(v4.get()) == AF_INET);
  CHECK(nl_addr_get_len(v4.get()) == 4);
  CHECK(nl_addr_get_prefixlen(v4.get()) == 16);
  CHECK(text_of(v4.get()) == "172.17.0.2/16");
  const NlAddrPtr v6 = to_nl_addr(*ap::parse_cidr("fd00::2/64"));
  CHECK(nl_addr_get_family(v6.get()) == AF_INET6);
  CHECK(nl_addr_get_len(v6.get()) == 16);
  CHECK(text_of(v6.get()) == "fd00::2/64");
  const NlAddrPtr any = to_nl_addr(*ap::parse_cidr("0.0.0.0/0"));
  CHECK(nl_addr_get_prefixlen(any.get()) == 0);
  const NlAddrPtr gateway = to_nl_addr(*ap::parse_ip_address("fd00::1"));
  CHECK(nl_addr_get_prefixlen(gateway.get()) == 128);
  CHECK(text_of(gateway.get()) == "fd00::1");
}

TEST_CASE("libnl error codes back to errno") {
  CHECK(errno_of_nl_error(-NLE_EXIST) == EEXIST);
  CHECK(errno_of_nl_error(NLE_NODEV) == ENODEV);
  CHECK(errno_of_nl_error(-NLE_FAILURE) == 0);
  try {
    throw_nl_error("eth0: add address 172.17.0.2/16", -NLE_EXIST);
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()) == std::string("eth0: add address 172.17.0.2/16: ") + std::strerror(EEXIST));
    CHECK(e.code() == EEXIST);
  }
  CHECK_THROWS_WITH_AS(throw_nl_error("x", -NLE_FAILURE), "x: Unspecific failure", runz::Error);
}
