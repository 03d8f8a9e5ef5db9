#include "shim-v2/ttrpc_frame.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runz::shim::ttrpc {
namespace {

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

void store_be32(std::uint32_t v, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

void check_length(std::uint32_t length) {
  if (length > kMaxMessageBytes) {
    throw FrameError("ttrpc frame claims " + std::to_string(length) + " bytes, over the maximum of " +
                     std::to_string(kMaxMessageBytes));
  }
}

// Reads exactly `size` bytes. Returns the number read before EOF (== size unless EOF came first).
std::size_t read_exact(int fd, std::uint8_t* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read ttrpc frame");
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

FrameHeader decode_header(std::span<const std::uint8_t, kHeaderBytes> bytes) {
  FrameHeader h;
  h.length = load_be32(bytes.data());
  h.stream_id = load_be32(bytes.data() + 4);
  h.type = bytes[8];
  h.flags = bytes[9];
  check_length(h.length);
  return h;
}

void encode_header(const FrameHeader& header, std::span<std::uint8_t, kHeaderBytes> out) {
  store_be32(header.length, out.data());
  store_be32(header.stream_id, out.data() + 4);
  out[8] = header.type;
  out[9] = header.flags;
}

std::string encode_frame(std::uint32_t stream_id, MessageType type, std::uint8_t flags, std::string_view data) {
  if (data.size() > kMaxMessageBytes) {
    throw FrameError("ttrpc message of " + std::to_string(data.size()) + " bytes is over the maximum of " +
                     std::to_string(kMaxMessageBytes));
  }
  std::uint8_t header[kHeaderBytes];
  encode_header(FrameHeader{static_cast<std::uint32_t>(data.size()), stream_id, static_cast<std::uint8_t>(type), flags},
                std::span<std::uint8_t, kHeaderBytes>(header));
  std::string out;
  out.reserve(kHeaderBytes + data.size());
  out.append(reinterpret_cast<const char*>(header), kHeaderBytes);
  out.append(data);
  return out;
}

void FrameDecoder::feed(std::string_view bytes) {
  // Drop consumed bytes before growing, so the buffer stays at most one frame plus this chunk.
  if (offset_ > 0) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
  check_header();
}

void FrameDecoder::check_header() const {
  if (buffer_.size() - offset_ < kHeaderBytes) return;
  const auto* p = reinterpret_cast<const std::uint8_t*>(buffer_.data() + offset_);
  check_length(load_be32(p));
}

std::optional<Frame> FrameDecoder::next() {
  if (buffer_.size() - offset_ < kHeaderBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const std::uint8_t*>(buffer_.data() + offset_);
  FrameHeader h = decode_header(std::span<const std::uint8_t, kHeaderBytes>(p, kHeaderBytes));
  if (buffer_.size() - offset_ - kHeaderBytes < h.length) return std::nullopt;
  Frame frame{h, buffer_.substr(offset_ + kHeaderBytes, h.length)};
  offset_ += kHeaderBytes + h.length;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else {
    check_header();  // the next frame's header may already be complete
  }
  return frame;
}

std::optional<Frame> read_frame(int fd) {
  std::uint8_t header[kHeaderBytes];
  std::size_t got = read_exact(fd, header, kHeaderBytes);
  if (got == 0) return std::nullopt;
  if (got < kHeaderBytes) {
    throw FrameError("truncated ttrpc frame: connection closed after " + std::to_string(got) + " of " +
                     std::to_string(kHeaderBytes) + " header bytes");
  }
  Frame frame;
  frame.header = decode_header(std::span<const std::uint8_t, kHeaderBytes>(header));  // checks the length
  frame.data.resize(frame.header.length);
  got = read_exact(fd, reinterpret_cast<std::uint8_t*>(frame.data.data()), frame.header.length);
  if (got < frame.header.length) {
    throw FrameError("truncated ttrpc frame: connection closed after " + std::to_string(got) + " of " +
                     std::to_string(frame.header.length) + " data bytes");
  }
  return frame;
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write ttrpc frame");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace runz::shim::ttrpc
