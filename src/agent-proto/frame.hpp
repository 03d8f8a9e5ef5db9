// Frames of the host <-> zone agent protocol, version 2 (docs/AGENT_PROTOCOL.md, "Frame").
//
// Primer: the control channel is the zone's primary PV console, a byte stream that also carries kernel
// messages. Each message is a 20-byte little-endian header followed by up to kMaxPayloadBytes of payload:
//
//   0  magic "RZ" (0x52 0x5A)   2  version (2)   3  type   4  stream (u32)   8  length (u32)
//   12  payload CRC-32 (u32)    16  header CRC-32 (u32, of bytes 0-15)
//
// The header carries its own CRC so that a receiver rejects a bogus header in O(header) before it waits for
// or checks a payload: a zone that sends crafted headers cannot make the host CRC 16 KiB per header byte.
// Anything that is not a valid frame is console text; decoder.hpp separates the two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runz::agent_proto {

inline constexpr uint8_t kMagic0 = 0x52;  // 'R'
inline constexpr uint8_t kMagic1 = 0x5A;  // 'Z'
// 2: the header CRC (version 1 had one CRC over header and payload).
inline constexpr uint8_t kProtocolVersion = 2;
inline constexpr size_t kHeaderBytes = 20;
inline constexpr size_t kHeaderCrcBytes = 16;  // what the header CRC covers: bytes 0-15
inline constexpr uint32_t kMaxPayloadBytes = 16384;
inline constexpr size_t kMaxFrameBytes = kHeaderBytes + kMaxPayloadBytes;

// Stream 0 is the zone itself; process handles are chosen by the host and never 0.
inline constexpr uint32_t kZoneStream = 0;

enum class MessageType : uint8_t {
  kHello = 0x01,         // agent -> host, stream 0: the agent is ready
  kError = 0x02,         // agent -> host: a request failed {step, errno, message}
  kLog = 0x03,           // agent -> host, stream 0: a diagnostics line
  kCreate = 0x10,        // host -> agent: container + process, held before exec
  kCreated = 0x11,       // agent -> host: {pid}
  kStart = 0x12,         // host -> agent: exec the held process
  kStarted = 0x13,       // agent -> host: {pid}
  kExec = 0x14,          // host -> agent: extra process in a running container
  kNetwork = 0x15,       // host -> agent, new handle: configure the zone's NICs
  kNetworkReady = 0x16,  // agent -> host, same handle: the NICs are configured ({})
  kDnsQuery = 0x17,      // agent -> host, stream 0: binary, query id + a DNS message for 127.0.0.11:53
  kDnsAnswer = 0x18,     // host -> agent, stream 0: binary, the query's id + the DNS server's answer
  kUpdate = 0x19,        // host -> agent, new handle: {container, resources}: its cgroup's limits change
  kUpdated = 0x1a,       // agent -> host, same handle: the limits are written ({})
  kStdin = 0x20,         // host -> agent: bytes, empty = EOF
  kStdout = 0x21,        // agent -> host: bytes, empty = EOF
  kStderr = 0x22,        // agent -> host: bytes, empty = EOF
  kSignal = 0x30,        // host -> agent: {signal, all}
  kResize = 0x31,        // host -> agent: {height, width}
  kExit = 0x32,          // agent -> host: {status[, signal]}
  kShutdown = 0x40,      // host -> agent, stream 0: sync and power off
};

// True for the type bytes listed above; any other byte makes a header invalid.
bool is_known_type(uint8_t type) noexcept;
// "HELLO", "STDOUT"...; "UNKNOWN" for values outside the enum.
std::string_view type_name(MessageType type) noexcept;
// The reverse of type_name (exact upper-case names); nullopt when unknown.
std::optional<MessageType> type_from_name(std::string_view name) noexcept;

struct Frame {
  MessageType type = MessageType::kLog;
  uint32_t stream = kZoneStream;
  std::string payload;  // raw bytes (JSON text for the JSON messages)

  bool operator==(const Frame&) const = default;
};

// Encodes one frame; throws runz::Error when the payload is longer than kMaxPayloadBytes.
std::string encode_frame(MessageType type, uint32_t stream, std::string_view payload);
// Same, appended to `out`.
void append_frame(std::string& out, MessageType type, uint32_t stream, std::string_view payload);
inline std::string encode_frame(const Frame& frame) { return encode_frame(frame.type, frame.stream, frame.payload); }

// A checked header: what a decoder learns from the first kHeaderBytes of a candidate frame.
struct Header {
  MessageType type = MessageType::kLog;
  uint32_t stream = 0;
  uint32_t length = 0;
  uint32_t payload_crc = 0;
};

// How much of a candidate frame's header (the first `available` bytes, at most kHeaderBytes) is plausible:
// magic, version, type and length checked as far as they are present. False means "not a frame".
bool header_prefix_valid(std::string_view prefix) noexcept;
// Parses a complete header; nullopt if magic, version, type, length or the header CRC is wrong (costs a CRC
// over kHeaderCrcBytes). The payload CRC is the caller's to check.
std::optional<Header> parse_header(std::string_view header) noexcept;
// CRC of a payload, as the header's bytes 12-15 hold it.
uint32_t payload_crc(std::string_view payload) noexcept;

// Host -> agent bytes for a console whose kernel takes ^O (0x0F) as the SysRq prefix (Hello::console_sysrq):
// each 0x0F twice, which the hvc driver delivers as one.
std::string double_sysrq_prefix(std::string_view bytes);

}  // namespace runz::agent_proto
