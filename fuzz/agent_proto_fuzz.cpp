// libFuzzer target: the agent protocol decoder on arbitrary console bytes (the host reads these from a
// guest it does not trust), plus the JSON message parsers on every frame that decodes.
//
// Invariants checked:
// - every input byte comes out exactly once: the console text and the re-encoded frames, in order, rebuild
//   the input;
// - the decoder never holds more than kMaxFrameBytes, and no frame payload exceeds kMaxPayloadBytes;
// - its CRC work stays within kHeaderCrcBytes + 1 bytes per input byte (decoder.hpp, "Limits");
// - splitting the input at arbitrary points (taken from the input itself) gives the same frames and text;
// - message parsers either return or throw runz::Error; a DNS message that parses re-encodes to its payload.
#include "agent-proto/decoder.hpp"
#include "agent-proto/dns_message.hpp"
#include "agent-proto/messages.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace runz::agent_proto;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Frames, and console text merged into whole runs.
std::vector<Event> normalized(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (const auto* text = std::get_if<ConsoleText>(&e)) {
      check(!text->bytes.empty());
      if (!out.empty())
        if (auto* last = std::get_if<ConsoleText>(&out.back())) {
          last->bytes += text->bytes;
          continue;
        }
    }
    out.push_back(e);
  }
  return out;
}

void parse_payload(const Frame& f) {
  try {
    switch (f.type) {
      case MessageType::kHello: (void)parse_hello(f.payload); break;
      case MessageType::kError: (void)parse_error_report(f.payload); break;
      case MessageType::kCreated:
      case MessageType::kStarted: (void)parse_process_pid(f.payload); break;
      case MessageType::kExit: (void)parse_exit(f.payload); break;
      case MessageType::kSignal: (void)parse_signal(f.payload); break;
      case MessageType::kResize: (void)parse_resize(f.payload); break;
      case MessageType::kCreate: (void)parse_create(f.payload); break;
      case MessageType::kExec: (void)parse_exec(f.payload); break;
      case MessageType::kUpdate: (void)parse_update(f.payload); break;
      case MessageType::kUpdated: (void)parse_updated(f.payload); break;
      case MessageType::kDnsQuery:
      case MessageType::kDnsAnswer: check(to_dns_payload(f.type, parse_dns_message(f.type, f.payload)) == f.payload); break;
      default: break;
    }
  } catch (const runz::Error&) {
    // Rejected payloads are fine; anything else escaping is a bug (libFuzzer reports the uncaught exception).
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Decoder whole;
  std::vector<Event> events;
  whole.feed(input, events);
  check(whole.pending_bytes() <= kMaxFrameBytes);
  check(whole.crc_bytes() <= (kHeaderCrcBytes + 1) * input.size());
  whole.finish(events);
  check(whole.pending_bytes() == 0);

  std::string rebuilt;
  for (const auto& e : events) {
    if (const auto* frame = std::get_if<Frame>(&e)) {
      check(frame->payload.size() <= kMaxPayloadBytes);
      rebuilt += encode_frame(*frame);
      parse_payload(*frame);
    } else {
      rebuilt += std::get<ConsoleText>(e).bytes;
    }
  }
  check(rebuilt == input);

  // Same input in pieces whose sizes come from the input's own bytes.
  Decoder pieces;
  std::vector<Event> piece_events;
  size_t pos = 0;
  size_t i = 0;
  while (pos < input.size()) {
    const size_t n = 1 + static_cast<size_t>(static_cast<uint8_t>(input[i++ % input.size()])) % 97;
    const size_t take = n < input.size() - pos ? n : input.size() - pos;
    pieces.feed(input.substr(pos, take), piece_events);
    check(pieces.pending_bytes() <= kMaxFrameBytes);
    pos += take;
  }
  check(pieces.crc_bytes() <= (kHeaderCrcBytes + 1) * input.size());
  pieces.finish(piece_events);
  check(normalized(piece_events) == normalized(events));
  return 0;
}
