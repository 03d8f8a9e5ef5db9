#include "agent-proto/dns_message.hpp"

#include "agent-proto/messages.hpp"

namespace runz::agent_proto {

namespace {

std::string message_range() { return std::to_string(kMinDnsMessageBytes) + ".." + std::to_string(kMaxDnsMessageBytes); }

[[noreturn]] void fail(MessageType type, const std::string& reason) {
  throw ProtocolError(std::string(type_name(type)) + ": " + reason);
}

void check_type(MessageType type) {
  if (type != MessageType::kDnsQuery && type != MessageType::kDnsAnswer)
    fail(type, "not a DNS message type");
}

}  // namespace

std::string to_dns_payload(MessageType type, const DnsMessage& m) {
  check_type(type);
  if (!dns_message_size_ok(m.message.size()))
    fail(type, "DNS message of " + std::to_string(m.message.size()) + " bytes: must be " + message_range() + " bytes");
  std::string out;
  out.reserve(kDnsIdBytes + m.message.size());
  for (size_t i = 0; i < kDnsIdBytes; ++i) out += static_cast<char>((m.id >> (8 * i)) & 0xFFu);
  out += m.message;
  return out;
}

DnsMessage parse_dns_message(MessageType type, std::string_view payload) {
  check_type(type);
  if (payload.size() < kMinDnsPayloadBytes || payload.size() > kMaxDnsPayloadBytes)
    fail(type, "payload of " + std::to_string(payload.size()) + " bytes: must be " +
                   std::to_string(kMinDnsPayloadBytes) + ".." + std::to_string(kMaxDnsPayloadBytes) +
                   " (a 4-byte id and a DNS message of " + message_range() + " bytes)");
  DnsMessage m;
  for (size_t i = 0; i < kDnsIdBytes; ++i) m.id |= static_cast<uint32_t>(static_cast<uint8_t>(payload[i])) << (8 * i);
  m.message.assign(payload.substr(kDnsIdBytes));
  return m;
}

std::string encode_dns(MessageType type, const DnsMessage& m) {
  return encode_frame(type, kZoneStream, to_dns_payload(type, m));
}

}  // namespace runz::agent_proto
