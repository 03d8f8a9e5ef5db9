// Incremental decoder for the agent protocol byte stream (docs/AGENT_PROTOCOL.md, "Receiving").
//
// Bytes go in as they arrive, in pieces of any size; out come events in stream order: whole frames, and
// console text (everything that is not a valid frame: kernel messages, a panic, garbage). A header whose
// magic, version, type, length or header CRC is wrong is not a frame: its first byte becomes console text and
// scanning resumes at the next byte. A valid header whose payload fails the payload CRC is not a frame
// either, and the whole of it (header and claimed payload) becomes console text: its header is genuine, so
// nothing in the claimed payload was meant as a frame of its own (kernel text written into the middle of a
// frame only makes it longer, so the next frame still starts after the claimed end).
//
// Limits: the decoder holds at most kMaxFrameBytes (header + kMaxPayloadBytes) of undecided input and never
// allocates more than that per frame. Work per input byte is bounded by a constant whatever the input: each
// byte starts at most one header check (a CRC over kHeaderCrcBytes), and each byte is in at most one payload
// CRC, since the scan resumes after a payload that was checked. So a flood of crafted headers costs at most
// kHeaderCrcBytes + 1 CRC bytes per input byte (crc_bytes() counts them), never a 16 KiB CRC per byte.
#pragma once

#include "agent-proto/frame.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runz::agent_proto {

// Bytes that were not part of a valid frame, in stream order.
struct ConsoleText {
  std::string bytes;

  bool operator==(const ConsoleText&) const = default;
};

using Event = std::variant<Frame, ConsoleText>;

class Decoder {
 public:
  Decoder();

  // Decodes what `bytes` completes and appends the events to `out`. Adjacent console text is merged into
  // the last event of `out` when that is text. Bytes that may still begin a frame are held back.
  void feed(std::string_view bytes, std::vector<Event>& out);
  std::vector<Event> feed(std::string_view bytes);

  // End of stream: held-back bytes that never became a frame come out as console text.
  void finish(std::vector<Event>& out);

  // Bytes held back, waiting for the rest of a candidate frame (at most kMaxFrameBytes).
  size_t pending_bytes() const noexcept { return buffer_.size() - start_; }
  // Bytes run through a CRC so far (header and payload checks): the measure of the work bound above.
  uint64_t crc_bytes() const noexcept { return crc_bytes_; }

 private:
  // Decides as much of buffer_[start_..] as possible.
  void drain(std::vector<Event>& out);
  void compact();

  std::string buffer_;  // capacity kMaxFrameBytes, reserved once
  size_t start_ = 0;    // first undecided byte of buffer_
  // The header at start_ once it passed its checks, while its payload is still arriving.
  std::optional<Header> waiting_header_;
  uint64_t crc_bytes_ = 0;
};

}  // namespace runz::agent_proto
