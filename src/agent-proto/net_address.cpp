#include "agent-proto/net_address.hpp"

#include <arpa/inet.h>

#include <string>

namespace runz::agent_proto {

namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

size_t IpAddress::size() const noexcept { return family == AF_INET ? 4 : 16; }
unsigned IpAddress::max_prefix() const noexcept { return family == AF_INET ? 32 : 128; }

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text form is 45 characters.
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string copy(text);
  IpAddress a;
  if (::inet_pton(AF_INET, copy.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (::inet_pton(AF_INET6, copy.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

std::optional<IpPrefix> parse_cidr(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_ip_address(text.substr(0, slash));
  const std::string_view digits = text.substr(slash + 1);
  if (!address || digits.empty() || digits.size() > 3) return std::nullopt;
  unsigned length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<unsigned>(c - '0');
  }
  if (length > address->max_prefix()) return std::nullopt;
  return IpPrefix{*address, length};
}

std::optional<std::array<uint8_t, 6>> parse_mac(std::string_view text) {
  std::array<uint8_t, 6> mac{};
  if (text.size() != 17) return std::nullopt;
  for (size_t i = 0; i < mac.size(); ++i) {
    const size_t at = i * 3;
    if (i > 0 && text[at - 1] != ':') return std::nullopt;
    const int high = hex_digit(text[at]);
    const int low = hex_digit(text[at + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    mac[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return mac;
}

}  // namespace runz::agent_proto
