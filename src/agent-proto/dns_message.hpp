// DNS_QUERY and DNS_ANSWER, the agent protocol's two binary messages (docs/AGENT_PROTOCOL.md, "DNS relay").
//
// Primer: a container on a Docker user-defined network has `nameserver 127.0.0.11` in /etc/resolv.conf,
// and Docker's embedded DNS server answers at 127.0.0.11:53 inside the container's network namespace on the
// host. In a zone, 127.0.0.11 is the zone's own loopback, so the agent listens there (guest/dns_forwarder.hpp)
// and sends each UDP datagram to the host as DNS_QUERY; the monitor, which stands in the container's
// namespace, asks the embedded server (net/dns_relay.hpp) and sends its answer back as DNS_ANSWER with the
// query's id. Both travel on stream 0.
//
// Payload (both messages): a 4-byte little-endian query id, chosen by the agent, then one raw DNS message
// (RFC 1035: at least its 12-byte header, at most kMaxDnsMessageBytes). Nothing in the DNS message is
// interpreted on either side: it is only carried, so only its length is checked.
#pragma once

#include "agent-proto/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace runz::agent_proto {

inline constexpr size_t kDnsIdBytes = 4;
inline constexpr size_t kMinDnsMessageBytes = 12;    // the DNS header (RFC 1035, 4.1.1)
inline constexpr size_t kMaxDnsMessageBytes = 4096;  // EDNS0's usual UDP payload size; larger is refused
inline constexpr size_t kMinDnsPayloadBytes = kDnsIdBytes + kMinDnsMessageBytes;
inline constexpr size_t kMaxDnsPayloadBytes = kDnsIdBytes + kMaxDnsMessageBytes;

// A DNS_QUERY or DNS_ANSWER: the query id and the DNS message (raw bytes).
struct DnsMessage {
  uint32_t id = 0;
  std::string message;

  bool operator==(const DnsMessage&) const = default;
};

// True for a DNS message length the protocol carries (kMinDnsMessageBytes..kMaxDnsMessageBytes).
constexpr bool dns_message_size_ok(size_t bytes) noexcept {
  return bytes >= kMinDnsMessageBytes && bytes <= kMaxDnsMessageBytes;
}

// The payload; throws ProtocolError (messages.hpp) when the DNS message's length is out of range.
std::string to_dns_payload(MessageType query_or_answer, const DnsMessage& message);
// Reads a payload of `query_or_answer` back; throws ProtocolError naming the message when its length is not
// kMinDnsPayloadBytes..kMaxDnsPayloadBytes, e.g. "agent protocol: DNS_QUERY: payload of 3 bytes: must be
// 16..4100 (a 4-byte id and a DNS message of 12..4096 bytes)".
DnsMessage parse_dns_message(MessageType query_or_answer, std::string_view payload);
// The whole frame, on stream 0; throws as to_dns_payload.
std::string encode_dns(MessageType query_or_answer, const DnsMessage& message);

}  // namespace runz::agent_proto
