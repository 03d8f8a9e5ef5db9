#include "xen/p9/wire.hpp"

#include <cerrno>
#include <cstring>

namespace runz::p9 {

int fault_errno(DecodeFault fault) noexcept {
  switch (fault) {
    case DecodeFault::kTooManyWalkNames:
    case DecodeFault::kBadName:
    case DecodeFault::kStringHasNul:
      return EINVAL;
    case DecodeFault::kTruncatedHeader:
    case DecodeFault::kSizeMismatch:
    case DecodeFault::kSizeOverMsize:
    case DecodeFault::kShortField:
    case DecodeFault::kStringPastEnd:
    case DecodeFault::kCountPastEnd:
    case DecodeFault::kTrailingBytes:
      return EPROTO;
  }
  return EPROTO;
}

const char* fault_name(DecodeFault fault) noexcept {
  switch (fault) {
    case DecodeFault::kTruncatedHeader: return "truncated header";
    case DecodeFault::kSizeMismatch: return "size field does not match the message length";
    case DecodeFault::kSizeOverMsize: return "size field larger than msize";
    case DecodeFault::kShortField: return "integer field past the end";
    case DecodeFault::kStringPastEnd: return "string past the end";
    case DecodeFault::kCountPastEnd: return "data count past the end";
    case DecodeFault::kTrailingBytes: return "trailing bytes";
    case DecodeFault::kTooManyWalkNames: return "more than 16 walk names";
    case DecodeFault::kBadName: return "invalid path component";
    case DecodeFault::kStringHasNul: return "string contains NUL";
  }
  return "unknown decode fault";
}

namespace {
uint64_t load_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
}  // namespace

Header peek_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes) throw DecodeError(DecodeFault::kTruncatedHeader);
  Header h;
  h.size = static_cast<uint32_t>(load_le(bytes.data(), 4));
  h.type = bytes[4];
  h.tag = static_cast<uint16_t>(load_le(bytes.data() + 5, 2));
  return h;
}

std::span<const uint8_t> Reader::take(size_t n, DecodeFault fault) {
  if (n > remaining()) throw DecodeError(fault);
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

uint8_t Reader::u8() { return take(1, DecodeFault::kShortField)[0]; }
uint16_t Reader::u16() { return static_cast<uint16_t>(load_le(take(2, DecodeFault::kShortField).data(), 2)); }
uint32_t Reader::u32() { return static_cast<uint32_t>(load_le(take(4, DecodeFault::kShortField).data(), 4)); }
uint64_t Reader::u64() { return load_le(take(8, DecodeFault::kShortField).data(), 8); }

std::string Reader::str() {
  const uint16_t len = u16();
  auto raw = take(len, DecodeFault::kStringPastEnd);
  std::string s(reinterpret_cast<const char*>(raw.data()), raw.size());
  if (s.find('\0') != std::string::npos) throw DecodeError(DecodeFault::kStringHasNul);
  return s;
}

std::string Reader::name() {
  const uint16_t len = u16();
  auto raw = take(len, DecodeFault::kStringPastEnd);
  std::string s(reinterpret_cast<const char*>(raw.data()), raw.size());
  if (s.empty() || s == "." || s.find('/') != std::string::npos || s.find('\0') != std::string::npos) {
    throw DecodeError(DecodeFault::kBadName);
  }
  return s;
}

std::string Reader::entry_name() {
  std::string s = name();
  if (s == "..") throw DecodeError(DecodeFault::kBadName);
  return s;
}

std::span<const uint8_t> Reader::bytes(uint32_t count) { return take(count, DecodeFault::kCountPastEnd); }

void Reader::finish() const {
  if (pos_ != bytes_.size()) throw DecodeError(DecodeFault::kTrailingBytes);
}

Writer::Writer(uint8_t type, uint16_t tag) {
  buf_.reserve(64);
  u32(0);
  u8(type);
  u16(tag);
}

void Writer::u16(uint16_t v) {
  for (int i = 0; i < 2; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::str(std::string_view s) {
  if (s.size() > 0xFFFF) s = s.substr(0, 0xFFFF);
  u16(static_cast<uint16_t>(s.size()));
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void Writer::qid(const Qid& q) {
  u8(q.type);
  u32(q.version);
  u64(q.path);
}

void Writer::bytes(std::span<const uint8_t> data) { buf_.insert(buf_.end(), data.begin(), data.end()); }

size_t Writer::reserve_u32() {
  const size_t at = buf_.size();
  u32(0);
  return at;
}

void Writer::patch_u32(size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) buf_[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

uint8_t* Writer::grow(size_t n) {
  const size_t at = buf_.size();
  buf_.resize(at + n);
  return buf_.data() + at;
}

std::vector<uint8_t> Writer::finish() && {
  patch_u32(0, static_cast<uint32_t>(buf_.size()));
  return std::move(buf_);
}

std::vector<uint8_t> make_rlerror(uint16_t tag, int errno_value) {
  Writer w(static_cast<uint8_t>(MsgType::kRlerror), tag);
  w.u32(static_cast<uint32_t>(errno_value));
  return std::move(w).finish();
}

}  // namespace runz::p9
