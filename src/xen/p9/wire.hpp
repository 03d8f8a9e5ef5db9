// 9P wire encoding (include/net/9p/9p.h, Documentation/filesystems/9p.rst): bounds-checked little-endian
// reader over one message already copied into host memory, and a writer that builds one reply.
//
// Every read checks the remaining bytes first; a failure throws DecodeError with its own DecodeFault, so
// each kind of malformed input is distinguishable (and tested). Nothing is read past the span given.
#pragma once

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xen/p9/protocol.hpp"

namespace runz::p9 {

enum class DecodeFault {
  kTruncatedHeader,    // fewer than 7 bytes
  kSizeMismatch,       // header size field differs from the bytes given
  kSizeOverMsize,      // header size field larger than the negotiated msize
  kShortField,         // an integer field runs past the end of the message
  kStringPastEnd,      // a string's length runs past the end of the message
  kCountPastEnd,       // a data count runs past the end of the message
  kTrailingBytes,      // bytes left after the last field
  kTooManyWalkNames,   // Twalk nwname > 16
  kBadName,            // a path component that is empty, ".", has '/' or NUL (where a name is required)
  kStringHasNul,       // any other string containing NUL
};

// The errno a fault is reported with in Rlerror.
int fault_errno(DecodeFault fault) noexcept;
const char* fault_name(DecodeFault fault) noexcept;

class DecodeError : public std::exception {
 public:
  explicit DecodeError(DecodeFault fault) noexcept : fault_(fault) {}
  DecodeFault fault() const noexcept { return fault_; }
  const char* what() const noexcept override { return fault_name(fault_); }

 private:
  DecodeFault fault_;
};

// The fixed header of a message.
struct Header {
  uint32_t size = 0;
  uint8_t type = 0;
  uint16_t tag = 0;
};

// Reads the header from the first 7 bytes (no size checks beyond those 7 bytes).
Header peek_header(std::span<const uint8_t> bytes);

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) noexcept : bytes_(bytes) {}

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  // Any string (no NUL allowed: every string we take becomes a C string somewhere).
  std::string str();
  // A single path component: non-empty, no '/', no NUL, not "." ("..": allowed, callers handle it).
  std::string name();
  // A name to create, link, rename to or remove: like name(), and not "..".
  std::string entry_name();
  // `count` raw bytes, as a view into the message.
  std::span<const uint8_t> bytes(uint32_t count);
  // Throws kTrailingBytes unless every byte was consumed.
  void finish() const;
  size_t remaining() const noexcept { return bytes_.size() - pos_; }

 private:
  std::span<const uint8_t> take(size_t n, DecodeFault fault);
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// Builds one reply: the header's size is filled in by finish().
class Writer {
 public:
  Writer(uint8_t type, uint16_t tag);
  void u8(uint8_t v) { buf_.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void str(std::string_view s);  // truncates at 65535 bytes (callers bound strings before)
  void qid(const Qid& q);
  void bytes(std::span<const uint8_t> data);
  // Reserves a u32 now, to be patched with patch_u32 (e.g. Rreaddir's count).
  size_t reserve_u32();
  void patch_u32(size_t at, uint32_t v);
  size_t size() const noexcept { return buf_.size(); }
  // Appends `n` zero bytes and returns where they start (for reads straight into the reply).
  uint8_t* grow(size_t n);
  void shrink_to(size_t n) { buf_.resize(n); }
  std::vector<uint8_t> finish() &&;

 private:
  std::vector<uint8_t> buf_;
};

// An Rlerror reply.
std::vector<uint8_t> make_rlerror(uint16_t tag, int errno_value);

}  // namespace runz::p9
