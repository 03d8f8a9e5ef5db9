// The address syntax of NETWORK (docs/AGENT_PROTOCOL.md): IP addresses, CIDR prefixes and MAC addresses,
// parsed to bytes. parse_network validates with these; the agent turns the same bytes into netlink
// attributes, so both ends read the text one way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace runz::agent_proto {

struct IpAddress {
  int family = 0;                   // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // network order; the first 4 for AF_INET

  size_t size() const noexcept;          // 4 or 16
  unsigned max_prefix() const noexcept;  // 32 or 128
  bool operator==(const IpAddress&) const = default;
};

struct IpPrefix {
  IpAddress address;
  unsigned length = 0;  // 0..max_prefix()

  bool operator==(const IpPrefix&) const = default;
};

// "172.17.0.2", "fd00::2" (inet_pton's syntax); nullopt otherwise.
std::optional<IpAddress> parse_ip_address(std::string_view text);
// "172.17.0.2/16", "::/0": an address, '/', and a decimal prefix length in range; nullopt otherwise.
std::optional<IpPrefix> parse_cidr(std::string_view text);
// "02:42:ac:11:00:02": six pairs of hex digits (either case) separated by ':'; nullopt otherwise.
std::optional<std::array<uint8_t, 6>> parse_mac(std::string_view text);

}  // namespace runz::agent_proto
