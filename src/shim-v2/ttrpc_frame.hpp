// ttrpc framing (containerd/ttrpc PROTOCOL.md). Every message is a 10-byte header then `length` bytes:
//
//   0       4         8       9       10
//   | length | stream  | type  | flags | data (length bytes)
//     u32 BE   u32 BE    u8      u8
//
// length is at most 4 MiB (kMaxMessageBytes); a larger claim is refused from the header alone, before any
// buffer for the data exists. Client streams have odd ids. Types: 1 Request, 2 Response, 3 Data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace runz::shim::ttrpc {

inline constexpr std::size_t kHeaderBytes = 10;
inline constexpr std::uint32_t kMaxMessageBytes = 4u << 20;  // 4 MiB of data per frame

enum class MessageType : std::uint8_t { Request = 1, Response = 2, Data = 3 };

// Request flags (PROTOCOL.md "Request Flags"); a unary request has none.
inline constexpr std::uint8_t kFlagRemoteClosed = 0x01;
inline constexpr std::uint8_t kFlagRemoteOpen = 0x02;

struct FrameHeader {
  std::uint32_t length = 0;
  std::uint32_t stream_id = 0;
  std::uint8_t type = 0;  // raw: an unknown type is the dispatcher's business, not the framer's
  std::uint8_t flags = 0;
};

struct Frame {
  FrameHeader header;
  std::string data;
};

// A frame the peer sent is not valid ttrpc (the connection cannot be trusted past it).
class FrameError : public Error {
 public:
  using Error::Error;
};

// Reads the header from exactly kHeaderBytes bytes. Throws FrameError if `length` exceeds the maximum.
FrameHeader decode_header(std::span<const std::uint8_t, kHeaderBytes> bytes);
void encode_header(const FrameHeader& header, std::span<std::uint8_t, kHeaderBytes> out);

// Header + data as one buffer. Throws FrameError if data is over the maximum.
std::string encode_frame(std::uint32_t stream_id, MessageType type, std::uint8_t flags, std::string_view data);

// Incremental decoder for a byte stream: feed() what arrived, then take frames with next() until nullopt.
// Bytes are only ever appended as they arrive (no buffer is sized from a header), and a header claiming more
// than kMaxMessageBytes throws FrameError as soon as its 10 bytes are in, so a hostile peer cannot make the
// decoder hold more than one maximal frame plus one read's worth of bytes.
class FrameDecoder {
 public:
  void feed(std::string_view bytes);
  // The next complete frame, or nullopt if more bytes are needed. Throws FrameError on an oversized header.
  std::optional<Frame> next();
  // Bytes held that do not yet make a complete frame.
  std::size_t pending_bytes() const noexcept { return buffer_.size() - offset_; }

 private:
  void check_header() const;

  std::string buffer_;
  std::size_t offset_ = 0;  // start of the first unconsumed byte
};

// Blocking I/O on a stream socket (EINTR retried). read_frame() reads the header, checks the length, and
// only then allocates and reads the data. Returns nullopt on a clean EOF at a frame boundary; throws
// FrameError on EOF inside a frame (truncated) or an oversized header, runz::Error on I/O errors.
std::optional<Frame> read_frame(int fd);
// Writes the whole frame (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
void write_all(int fd, std::string_view bytes);

}  // namespace runz::shim::ttrpc
