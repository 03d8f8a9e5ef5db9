#include "agent-proto/decoder.hpp"
#include "agent-proto/messages.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace runz::agent_proto;

namespace {

Network sample() {
  NetInterface eth0{"eth0", "02:42:ac:11:00:02", 1500, {"172.17.0.2/16", "fd00::2/64"}, {}};
  eth0.routes = {{"0.0.0.0/0", "172.17.0.1", 0}, {"::/0", "fd00::1", 1024}, {"10.0.0.0/8", "", 5}};
  NetInterface eth1{"eth1", "02:42:ac:12:00:03", 9000, {}, {}};
  return Network{{eth0, eth1}};
}

// A NETWORK payload with one interface whose JSON is `nic`.
std::string with_interface(const std::string& nic) { return R"({"interfaces":[)" + nic + "]}"; }

}  // namespace

TEST_CASE("NETWORK round trips, as the documented JSON") {
  const Network n = sample();
  CHECK(parse_network(to_json_payload(n)) == n);
  CHECK(parse_network(R"({"interfaces":[]})").interfaces.empty());
  const Network doc = parse_network(
      R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:11:00:02","mtu":1500,"addresses":["172.17.0.2/16"],)"
      R"("routes":[{"destination":"0.0.0.0/0","gateway":"172.17.0.1","metric":0}]}]})");
  REQUIRE(doc.interfaces.size() == 1);
  CHECK(doc.interfaces[0].routes == std::vector<NetRoute>{{"0.0.0.0/0", "172.17.0.1", 0}});
  // mtu, addresses, routes, gateway and metric may be left out
  const Network minimal = parse_network(with_interface(R"({"name":"eth0","mac":"02:42:ac:11:00:02",)"
                                                       R"("routes":[{"destination":"10.0.0.0/8"}]})"));
  CHECK(minimal.interfaces[0].mtu == 1500);
  CHECK(minimal.interfaces[0].routes == std::vector<NetRoute>{{"10.0.0.0/8", "", 0}});
}

TEST_CASE("NETWORK and NETWORK_READY frames") {
  Decoder d;
  const auto events = d.feed(encode(7, sample()) + encode_network_ready(7));
  REQUIRE(events.size() == 2);
  const auto& request = std::get<Frame>(events[0]);
  CHECK(request.type == MessageType::kNetwork);
  CHECK(request.stream == 7);
  CHECK(parse_network(request.payload) == sample());
  const auto& ready = std::get<Frame>(events[1]);
  CHECK(ready.type == MessageType::kNetworkReady);
  CHECK(ready.stream == 7);
  CHECK(ready.payload == "{}");
}

TEST_CASE("NETWORK rejects what the agent could not configure, naming the field") {
  const std::string mac = R"("mac":"02:42:ac:11:00:02")";
  CHECK_THROWS_WITH_AS(parse_network("{}"), "agent protocol: NETWORK: interfaces: is required", ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(R"({"interfaces":{}})"), "agent protocol: NETWORK: interfaces: must be an array",
                       ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface("{" + mac + "}")),
                       "agent protocol: NETWORK: interfaces[0]: name: is required", ProtocolError);
  for (const char* name : {"", "sixteen-chars-xx", "a/b", "a b", R"(a\tb)", "a:b", "..", "."})  // JSON text
    CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":")" + std::string(name) + "\"," + mac + "}")),
                         doctest::Contains("NETWORK: interfaces[0]: name: "), ProtocolError);
  CHECK_NOTHROW(parse_network(with_interface(R"({"name":"fifteen-chars-x",)" + mac + "}")));
  for (const char* bad : {"02:42:ac:11:00", "02-42-ac-11-00-02", "zz:42:ac:11:00:02"})
    CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0","mac":")" + std::string(bad) + "\"}")),
                         doctest::Contains("NETWORK: interfaces[0]: mac: "), ProtocolError);
  for (const char* mtu : {"67", "65536", "-1", "\"1500\""})
    CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac + R"(,"mtu":)" + mtu + "}")),
                         doctest::Contains("NETWORK: interfaces[0]: mtu: "), ProtocolError);
  CHECK_THROWS_WITH_AS(
      parse_network(with_interface(R"({"name":"eth0",)" + mac + R"(,"addresses":["172.17.0.2/16","172.17.0.2"]})")),
      "agent protocol: NETWORK: interfaces[0]: addresses[1]: `172.17.0.2` is not an address/prefix", ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac + R"(,"addresses":["fd00::2/129"]})")),
                       doctest::Contains("addresses[0]: "), ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac + R"(,"routes":[{"gateway":"1.2.3.4"}]})")),
                       "agent protocol: NETWORK: interfaces[0]: routes[0]: destination: is required", ProtocolError);
  CHECK_THROWS_WITH_AS(
      parse_network(with_interface(R"({"name":"eth0",)" + mac + R"(,"routes":[{"destination":"0.0.0.0/33"}]})")),
      doctest::Contains("routes[0]: destination: "), ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac +
                                                    R"(,"routes":[{"destination":"0.0.0.0/0","gateway":"fd00::1"}]})")),
                       doctest::Contains("routes[0]: gateway: `fd00::1` is not of the destination's address family"),
                       ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac +
                                                    R"(,"routes":[{"destination":"::/0","gateway":"fd00::1/64"}]})")),
                       doctest::Contains("routes[0]: gateway: "), ProtocolError);
  CHECK_THROWS_WITH_AS(parse_network(with_interface(R"({"name":"eth0",)" + mac +
                                                    R"(,"routes":[{"destination":"::/0","metric":-1}]})")),
                       doctest::Contains("routes[0]: metric: "), ProtocolError);
}

TEST_CASE("NETWORK limits: interfaces, addresses and routes per interface; no name or MAC twice") {
  Network many;
  for (int i = 0; i < 17; ++i) many.interfaces.push_back({"eth" + std::to_string(i), "02:00:00:00:00:00", 1500, {}, {}});
  for (int i = 0; i < 17; ++i) many.interfaces[i].mac[16] = "0123456789abcdefg"[i];
  CHECK_THROWS_WITH_AS(parse_network(to_json_payload(many)),
                       "agent protocol: NETWORK: interfaces: more than 16 interfaces", ProtocolError);
  many.interfaces.pop_back();
  CHECK(parse_network(to_json_payload(many)).interfaces.size() == 16);

  NetInterface nic{"eth0", "02:42:ac:11:00:02", 1500, {}, {}};
  for (int i = 0; i < 65; ++i) nic.addresses.push_back("10.0." + std::to_string(i) + ".1/24");
  CHECK_THROWS_WITH_AS(parse_network(to_json_payload(Network{{nic}})),
                       "agent protocol: NETWORK: interfaces[0]: addresses: more than 64 addresses", ProtocolError);
  nic.addresses.pop_back();
  CHECK_NOTHROW(parse_network(to_json_payload(Network{{nic}})));

  std::string routes;
  for (int i = 0; i < 257; ++i) routes += std::string(i ? "," : "") + R"({"destination":"10.)" + std::to_string(i / 256) +
                                          "." + std::to_string(i % 256) + R"(.0/24"})";
  CHECK_THROWS_WITH_AS(
      parse_network(with_interface(R"({"name":"eth0","mac":"02:42:ac:11:00:02","routes":[)" + routes + "]}")),
      "agent protocol: NETWORK: interfaces[0]: routes: more than 256 routes", ProtocolError);

  Network twice{{nic, nic}};
  twice.interfaces[0].addresses.clear();
  twice.interfaces[1].addresses.clear();
  twice.interfaces[1].mac = "02:42:ac:11:00:03";
  CHECK_THROWS_WITH_AS(parse_network(to_json_payload(twice)),
                       "agent protocol: NETWORK: interfaces[1]: name: `eth0` is listed twice", ProtocolError);
  twice.interfaces[1].name = "eth1";
  twice.interfaces[1].mac = "02:42:AC:11:00:02";
  CHECK_THROWS_WITH_AS(parse_network(to_json_payload(twice)),
                       "agent protocol: NETWORK: interfaces[1]: mac: `02:42:AC:11:00:02` is listed twice", ProtocolError);
}
