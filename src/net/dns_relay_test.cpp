#include "net/dns_relay.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <string>

#include "common/error.hpp"
#include "net/fake_dns_server.hpp"

namespace runz::net {
namespace {

std::string dns(size_t bytes, char fill) { return std::string(bytes, fill); }

// Polls the relay's sockets (up to 5 s) and collects what they have.
std::vector<DnsReply> poll_and_collect(DnsRelay& relay, DnsClock::time_point now = DnsClock::now()) {
  std::vector<pollfd> fds;
  relay.add_poll_fds(fds);
  if (!fds.empty()) REQUIRE(::poll(fds.data(), fds.size(), 5000) >= 0);
  return relay.collect(fds, now);
}

}  // namespace

TEST_CASE("the embedded DNS address is 127.0.0.11:53") {
  const sockaddr_in a = embedded_dns_address();
  CHECK(a.sin_family == AF_INET);
  CHECK(ntohs(a.sin_port) == 53);
  std::array<char, INET_ADDRSTRLEN> text{};
  REQUIRE(::inet_ntop(AF_INET, &a.sin_addr, text.data(), text.size()) != nullptr);
  CHECK(std::string(text.data()) == "127.0.0.11");
}

TEST_CASE("a query goes to the server and its answer comes back under the query's id") {
  FakeDnsServer server;
  DnsRelay relay(server.address());
  const auto now = DnsClock::now();
  REQUIRE(relay.submit(41, dns(30, 'q'), now) == DnsRelay::Submit::kSent);
  REQUIRE(relay.submit(42, dns(31, 'r'), now) == DnsRelay::Submit::kSent);
  CHECK(relay.in_flight() == 2);
  CHECK(relay.next_deadline() == now + std::chrono::milliseconds(5000));
  // each query on a socket of its own: the answer goes back to the socket that asked
  CHECK(server.answer_next(dns(50, 'A')) == dns(30, 'q'));
  CHECK(server.answer_next(dns(kMaxDnsUdpBytes, 'B')) == dns(31, 'r'));
  std::vector<DnsReply> replies;
  for (int round = 0; round < 10 && replies.size() < 2; ++round)
    for (auto& r : poll_and_collect(relay)) replies.push_back(std::move(r));
  REQUIRE(replies.size() == 2);
  std::sort(replies.begin(), replies.end(), [](const DnsReply& a, const DnsReply& b) { return a.id < b.id; });
  CHECK(replies[0].id == 41);
  CHECK(replies[0].message == dns(50, 'A'));
  CHECK(replies[1].id == 42);
  CHECK(replies[1].message == dns(kMaxDnsUdpBytes, 'B'));
  CHECK(relay.in_flight() == 0);
  CHECK_FALSE(relay.next_deadline());
  CHECK(relay.counters().sent == 2);
  CHECK(relay.counters().answered == 2);
}

TEST_CASE("queries of a wrong length are dropped and counted") {
  FakeDnsServer server;
  DnsRelay relay(server.address());
  CHECK(relay.submit(1, "", DnsClock::now()) == DnsRelay::Submit::kInvalid);
  CHECK(relay.submit(1, dns(kDnsHeaderBytes - 1, 'x'), DnsClock::now()) == DnsRelay::Submit::kInvalid);
  CHECK(relay.submit(1, dns(kMaxDnsUdpBytes + 1, 'x'), DnsClock::now()) == DnsRelay::Submit::kInvalid);
  CHECK(relay.counters().invalid == 3);
  CHECK(relay.in_flight() == 0);
  CHECK(relay.submit(1, dns(kDnsHeaderBytes, 'x'), DnsClock::now()) == DnsRelay::Submit::kSent);
}

TEST_CASE("at most max_in_flight queries wait; one beyond is dropped, and a timeout frees a place") {
  FakeDnsServer server;  // never answers
  DnsRelay relay(server.address(), DnsRelayLimits{2, std::chrono::milliseconds(100)});
  const auto t0 = DnsClock::now();
  CHECK(relay.submit(1, dns(20, 'a'), t0) == DnsRelay::Submit::kSent);
  CHECK(relay.submit(2, dns(20, 'b'), t0 + std::chrono::milliseconds(50)) == DnsRelay::Submit::kSent);
  CHECK(relay.submit(3, dns(20, 'c'), t0) == DnsRelay::Submit::kFull);
  CHECK(relay.counters().dropped_full == 1);
  CHECK(relay.next_deadline() == t0 + std::chrono::milliseconds(100));
  // nothing readable: the first query's time is up, the second waits on
  const std::vector<pollfd> none;
  CHECK(relay.collect(none, t0 + std::chrono::milliseconds(100)).empty());
  CHECK(relay.in_flight() == 1);
  CHECK(relay.counters().timed_out == 1);
  CHECK(relay.submit(4, dns(20, 'd'), t0 + std::chrono::milliseconds(100)) == DnsRelay::Submit::kSent);
  CHECK(relay.collect(none, t0 + std::chrono::seconds(1)).empty());
  CHECK(relay.in_flight() == 0);
  CHECK(relay.counters().timed_out == 3);
}

TEST_CASE("an answer of a wrong length is dropped and ends its query") {
  FakeDnsServer server;
  DnsRelay relay(server.address());
  REQUIRE(relay.submit(7, dns(20, 'q'), DnsClock::now()) == DnsRelay::Submit::kSent);
  server.answer_next(dns(kDnsHeaderBytes - 1, 'A'));
  REQUIRE(relay.submit(8, dns(20, 'q'), DnsClock::now()) == DnsRelay::Submit::kSent);
  server.answer_next(dns(kMaxDnsUdpBytes + 1, 'B'));
  for (int round = 0; round < 10 && relay.in_flight() > 0; ++round) CHECK(poll_and_collect(relay).empty());
  CHECK(relay.in_flight() == 0);
  CHECK(relay.counters().invalid == 2);
  CHECK(relay.counters().answered == 0);
}

TEST_CASE("a server that is not there fails the query (ECONNREFUSED), it does not wait for the timeout") {
  sockaddr_in gone{};
  {
    FakeDnsServer server;
    gone = server.address();
  }  // closed: the port refuses
  DnsRelay relay(gone);
  const auto submitted = relay.submit(9, dns(20, 'q'), DnsClock::now());
  if (submitted == DnsRelay::Submit::kSent) {
    for (int round = 0; round < 10 && relay.in_flight() > 0; ++round) CHECK(poll_and_collect(relay).empty());
  }
  CHECK(relay.in_flight() == 0);
  CHECK(relay.counters().failed == 1);
}

}  // namespace runz::net
