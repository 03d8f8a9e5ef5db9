#include "agent-proto/net_address.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>

using namespace runz::agent_proto;

TEST_CASE("IP addresses, both families") {
  const auto v4 = parse_ip_address("172.17.0.1");
  REQUIRE(v4);
  CHECK(v4->family == AF_INET);
  CHECK(v4->size() == 4);
  CHECK(v4->bytes[0] == 172);
  CHECK(v4->bytes[3] == 1);
  const auto v6 = parse_ip_address("fd00::2");
  REQUIRE(v6);
  CHECK(v6->family == AF_INET6);
  CHECK(v6->size() == 16);
  CHECK(v6->bytes[0] == 0xfd);
  CHECK(v6->bytes[15] == 2);
  for (const char* bad : {"", "172.17.0", "172.17.0.256", "fd00::2::1", "eth0", " 1.2.3.4", "1.2.3.4/8"})
    CHECK_FALSE(parse_ip_address(bad));
}

TEST_CASE("CIDR prefixes") {
  const auto p = parse_cidr("172.17.0.2/16");
  REQUIRE(p);
  CHECK(p->length == 16);
  CHECK(p->address == *parse_ip_address("172.17.0.2"));
  CHECK(parse_cidr("0.0.0.0/0")->length == 0);
  CHECK(parse_cidr("::/0")->address.family == AF_INET6);
  CHECK(parse_cidr("fd00::2/128")->length == 128);
  for (const char* bad : {"172.17.0.2", "172.17.0.2/", "172.17.0.2/33", "fd00::2/129", "1.2.3.4/-1", "1.2.3.4/+8",
                          "1.2.3.4/0008", "1.2.3.4/8/8", "/8", "x/8"})
    CHECK_FALSE(parse_cidr(bad));
}

TEST_CASE("MAC addresses") {
  const auto mac = parse_mac("02:42:ac:11:00:02");
  REQUIRE(mac);
  CHECK(*mac == std::array<uint8_t, 6>{0x02, 0x42, 0xac, 0x11, 0x00, 0x02});
  CHECK(parse_mac("02:42:AC:11:00:02") == mac);
  for (const char* bad : {"", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "02-42-ac-11-00-02", "02:42:ac:11:00:0g",
                          "2:42:ac:11:00:02:", "02:42:ac:11:00:2"})
    CHECK_FALSE(parse_mac(bad));
}
