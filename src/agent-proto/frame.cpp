#include "agent-proto/frame.hpp"

#include "agent-proto/crc32.hpp"
#include "common/error.hpp"

#include <array>
#include <cerrno>

namespace runz::agent_proto {

namespace {

struct TypeName {
  MessageType type;
  std::string_view name;
};

constexpr std::array<TypeName, 21> kTypeNames = {{
    {MessageType::kHello, "HELLO"},
    {MessageType::kError, "ERROR"},
    {MessageType::kLog, "LOG"},
    {MessageType::kCreate, "CREATE"},
    {MessageType::kCreated, "CREATED"},
    {MessageType::kStart, "START"},
    {MessageType::kStarted, "STARTED"},
    {MessageType::kExec, "EXEC"},
    {MessageType::kNetwork, "NETWORK"},
    {MessageType::kNetworkReady, "NETWORK_READY"},
    {MessageType::kDnsQuery, "DNS_QUERY"},
    {MessageType::kDnsAnswer, "DNS_ANSWER"},
    {MessageType::kUpdate, "UPDATE"},
    {MessageType::kUpdated, "UPDATED"},
    {MessageType::kStdin, "STDIN"},
    {MessageType::kStdout, "STDOUT"},
    {MessageType::kStderr, "STDERR"},
    {MessageType::kSignal, "SIGNAL"},
    {MessageType::kResize, "RESIZE"},
    {MessageType::kExit, "EXIT"},
    {MessageType::kShutdown, "SHUTDOWN"},
}};

uint32_t load_u32(std::string_view bytes, size_t offset) noexcept {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  return value;
}

void store_u32(char* out, uint32_t value) noexcept {
  for (size_t i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
}

constexpr size_t kPayloadCrcOffset = 12;
constexpr size_t kHeaderCrcOffset = kHeaderCrcBytes;

uint32_t header_crc(std::string_view header) noexcept { return crc32(0, header.substr(0, kHeaderCrcBytes)); }

}  // namespace

bool is_known_type(uint8_t type) noexcept {
  for (const auto& entry : kTypeNames)
    if (static_cast<uint8_t>(entry.type) == type) return true;
  return false;
}

std::string_view type_name(MessageType type) noexcept {
  for (const auto& entry : kTypeNames)
    if (entry.type == type) return entry.name;
  return "UNKNOWN";
}

std::optional<MessageType> type_from_name(std::string_view name) noexcept {
  for (const auto& entry : kTypeNames)
    if (entry.name == name) return entry.type;
  return std::nullopt;
}

void append_frame(std::string& out, MessageType type, uint32_t stream, std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes) {
    throw Error("agent protocol: " + std::string(type_name(type)) + " payload of " + std::to_string(payload.size()) +
                    " bytes exceeds the maximum of " + std::to_string(kMaxPayloadBytes),
                EMSGSIZE);
  }
  std::array<char, kHeaderBytes> header{};
  header[0] = static_cast<char>(kMagic0);
  header[1] = static_cast<char>(kMagic1);
  header[2] = static_cast<char>(kProtocolVersion);
  header[3] = static_cast<char>(static_cast<uint8_t>(type));
  store_u32(&header[4], stream);
  store_u32(&header[8], static_cast<uint32_t>(payload.size()));
  store_u32(&header[kPayloadCrcOffset], payload_crc(payload));
  store_u32(&header[kHeaderCrcOffset], header_crc(std::string_view(header.data(), header.size())));
  out.append(header.data(), header.size());
  out.append(payload);
}

std::string encode_frame(MessageType type, uint32_t stream, std::string_view payload) {
  std::string out;
  out.reserve(kHeaderBytes + payload.size());
  append_frame(out, type, stream, payload);
  return out;
}

bool header_prefix_valid(std::string_view prefix) noexcept {
  const size_t n = prefix.size();
  if (n > 0 && static_cast<uint8_t>(prefix[0]) != kMagic0) return false;
  if (n > 1 && static_cast<uint8_t>(prefix[1]) != kMagic1) return false;
  if (n > 2 && static_cast<uint8_t>(prefix[2]) != kProtocolVersion) return false;
  if (n > 3 && !is_known_type(static_cast<uint8_t>(prefix[3]))) return false;
  if (n >= 12 && load_u32(prefix, 8) > kMaxPayloadBytes) return false;
  return true;
}

std::optional<Header> parse_header(std::string_view header) noexcept {
  if (header.size() < kHeaderBytes || !header_prefix_valid(header.substr(0, kHeaderBytes))) return std::nullopt;
  if (header_crc(header) != load_u32(header, kHeaderCrcOffset)) return std::nullopt;
  Header h;
  h.type = static_cast<MessageType>(static_cast<uint8_t>(header[3]));
  h.stream = load_u32(header, 4);
  h.length = load_u32(header, 8);
  h.payload_crc = load_u32(header, kPayloadCrcOffset);
  return h;
}

uint32_t payload_crc(std::string_view payload) noexcept { return crc32(0, payload); }

std::string double_sysrq_prefix(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 64);
  for (char c : bytes) {
    out += c;
    if (c == '\x0f') out += c;
  }
  return out;
}

}  // namespace runz::agent_proto
