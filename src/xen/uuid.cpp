#include "xen/uuid.hpp"

#include <sys/random.h>

#include <cerrno>

#include "common/error.hpp"

namespace runz::xen {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
// Positions of the dashes in the canonical form.
constexpr bool is_dash_position(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }
constexpr size_t kCanonicalLength = 36;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Uuid Uuid::random() {
  Bytes bytes{};
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("getrandom for a domain UUID");
    }
    got += static_cast<size_t>(n);
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return Uuid(bytes);
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != kCanonicalLength) return std::nullopt;
  Bytes bytes{};
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[out++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return Uuid(bytes);
}

bool Uuid::is_nil() const noexcept {
  for (uint8_t b : bytes_) {
    if (b != 0) return false;
  }
  return true;
}

std::string Uuid::to_string() const {
  std::string s;
  s.reserve(kCanonicalLength);
  for (size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHexDigits[bytes_[i] >> 4];
    s += kHexDigits[bytes_[i] & 0x0f];
  }
  return s;
}

}  // namespace runz::xen
