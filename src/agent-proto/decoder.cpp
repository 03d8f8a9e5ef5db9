#include "agent-proto/decoder.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

namespace runz::agent_proto {

namespace {

void emit_text(std::vector<Event>& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) {
    if (auto* last = std::get_if<ConsoleText>(&out.back())) {
      last->bytes.append(text);
      return;
    }
  }
  out.emplace_back(ConsoleText{std::string(text)});
}

}  // namespace

Decoder::Decoder() { buffer_.reserve(kMaxFrameBytes); }

void Decoder::compact() {
  if (start_ == 0) return;
  buffer_.erase(0, start_);
  start_ = 0;
}

void Decoder::feed(std::string_view bytes, std::vector<Event>& out) {
  while (!bytes.empty()) {
    // Keep at most kMaxFrameBytes undecided: a full buffer always holds enough to decide its first byte.
    if (buffer_.size() == kMaxFrameBytes || (start_ > 0 && buffer_.size() + bytes.size() > kMaxFrameBytes)) compact();
    const size_t room = kMaxFrameBytes - buffer_.size();
    const size_t take = std::min(room, bytes.size());
    buffer_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    drain(out);
  }
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
}

std::vector<Event> Decoder::feed(std::string_view bytes) {
  std::vector<Event> out;
  feed(bytes, out);
  return out;
}

void Decoder::finish(std::vector<Event>& out) {
  emit_text(out, std::string_view(buffer_).substr(start_));
  buffer_.clear();
  start_ = 0;
  waiting_header_.reset();
}

void Decoder::drain(std::vector<Event>& out) {
  const std::string_view all(buffer_);
  size_t pos = start_;
  while (pos < all.size()) {
    // Text up to the next possible magic byte.
    const size_t magic = all.find(static_cast<char>(kMagic0), pos);
    if (magic == std::string_view::npos) {
      emit_text(out, all.substr(pos));
      pos = all.size();
      break;
    }
    emit_text(out, all.substr(pos, magic - pos));
    pos = magic;

    const std::string_view candidate = all.substr(pos);
    std::optional<Header> parsed;
    if (pos == start_ && waiting_header_) {
      parsed = std::exchange(waiting_header_, std::nullopt);  // checked when it arrived
    } else {
      const std::string_view header = candidate.substr(0, std::min(candidate.size(), kHeaderBytes));
      if (!header_prefix_valid(header)) {
        emit_text(out, candidate.substr(0, 1));
        ++pos;
        continue;
      }
      if (header.size() < kHeaderBytes) break;  // wait for the rest of the header
      crc_bytes_ += kHeaderCrcBytes;
      parsed = parse_header(header);  // checks the header CRC, in O(header)
      if (!parsed) {
        emit_text(out, candidate.substr(0, 1));
        ++pos;
        continue;
      }
    }
    const size_t frame_bytes = kHeaderBytes + parsed->length;
    if (candidate.size() < frame_bytes) {  // wait for the payload, without checking the header again
      waiting_header_ = parsed;
      break;
    }
    const std::string_view payload = candidate.substr(kHeaderBytes, parsed->length);
    crc_bytes_ += payload.size();
    if (payload_crc(payload) != parsed->payload_crc) {
      emit_text(out, candidate.substr(0, frame_bytes));  // see decoder.hpp: never re-scanned
      pos += frame_bytes;
      continue;
    }
    out.emplace_back(Frame{parsed->type, parsed->stream, std::string(payload)});
    pos += frame_bytes;
  }
  start_ = pos;
}

}  // namespace runz::agent_proto
