#include "agent-proto/dns_message.hpp"

#include "agent-proto/decoder.hpp"
#include "agent-proto/messages.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace runz::agent_proto;

namespace {

// A DNS message of `bytes` bytes (its content is not looked at).
std::string dns_bytes(size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>(i * 7);
  return out;
}

}  // namespace

TEST_CASE("DNS_QUERY and DNS_ANSWER round trip: little-endian id, then the message as it is") {
  for (MessageType type : {MessageType::kDnsQuery, MessageType::kDnsAnswer}) {
    for (size_t bytes : {kMinDnsMessageBytes, size_t{512}, kMaxDnsMessageBytes}) {
      const DnsMessage m{0x04030201u, dns_bytes(bytes)};
      const std::string payload = to_dns_payload(type, m);
      REQUIRE(payload.size() == kDnsIdBytes + bytes);
      CHECK(payload.substr(0, 4) == std::string("\x01\x02\x03\x04", 4));
      CHECK(payload.substr(4) == m.message);
      CHECK(parse_dns_message(type, payload) == m);
    }
  }
}

TEST_CASE("DNS frames travel on stream 0 and decode") {
  const DnsMessage query{7, dns_bytes(40)};
  const DnsMessage answer{0xFFFFFFFFu, dns_bytes(kMaxDnsMessageBytes)};
  Decoder d;
  const auto events = d.feed(encode_dns(MessageType::kDnsQuery, query) + encode_dns(MessageType::kDnsAnswer, answer));
  REQUIRE(events.size() == 2);
  const auto& q = std::get<Frame>(events[0]);
  CHECK(q.type == MessageType::kDnsQuery);
  CHECK(q.stream == kZoneStream);
  CHECK(parse_dns_message(q.type, q.payload) == query);
  const auto& a = std::get<Frame>(events[1]);
  CHECK(a.type == MessageType::kDnsAnswer);
  CHECK(parse_dns_message(a.type, a.payload) == answer);
}

TEST_CASE("DNS payloads of a wrong length are refused on both sides") {
  // receiving: shorter than id + DNS header, or longer than id + 4096
  for (size_t bytes : {size_t{0}, size_t{3}, size_t{4}, kMinDnsPayloadBytes - 1, kMaxDnsPayloadBytes + 1,
                       size_t{kMaxPayloadBytes}}) {
    CHECK_THROWS_AS(parse_dns_message(MessageType::kDnsQuery, dns_bytes(bytes)), ProtocolError);
    CHECK_THROWS_AS(parse_dns_message(MessageType::kDnsAnswer, dns_bytes(bytes)), ProtocolError);
  }
  CHECK_THROWS_WITH_AS(parse_dns_message(MessageType::kDnsQuery, "abc"),
                       "agent protocol: DNS_QUERY: payload of 3 bytes: must be 16..4100 (a 4-byte id and a DNS "
                       "message of 12..4096 bytes)",
                       ProtocolError);
  CHECK(parse_dns_message(MessageType::kDnsAnswer, dns_bytes(kMinDnsPayloadBytes)).message.size() == 12);
  CHECK(parse_dns_message(MessageType::kDnsAnswer, dns_bytes(kMaxDnsPayloadBytes)).message.size() == 4096);
  // sending: the same bounds on the DNS message
  CHECK_THROWS_WITH_AS(to_dns_payload(MessageType::kDnsAnswer, DnsMessage{1, dns_bytes(11)}),
                       "agent protocol: DNS_ANSWER: DNS message of 11 bytes: must be 12..4096 bytes", ProtocolError);
  CHECK_THROWS_AS(encode_dns(MessageType::kDnsQuery, DnsMessage{1, dns_bytes(kMaxDnsMessageBytes + 1)}), ProtocolError);
  CHECK_FALSE(dns_message_size_ok(0));
  CHECK(dns_message_size_ok(kMinDnsMessageBytes));
  CHECK_FALSE(dns_message_size_ok(kMaxDnsMessageBytes + 1));
}

TEST_CASE("only DNS_QUERY and DNS_ANSWER carry DNS messages") {
  CHECK_THROWS_WITH_AS(parse_dns_message(MessageType::kStdout, dns_bytes(20)),
                       "agent protocol: STDOUT: not a DNS message type", ProtocolError);
  CHECK_THROWS_AS(encode_dns(MessageType::kLog, DnsMessage{1, dns_bytes(20)}), ProtocolError);
}
