// SHA-256 (FIPS 180-4), only for naming shim sockets the way containerd does (hex of
// sha256(address/namespace/id)). Not used for anything security-relevant.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace runz::shim {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace runz::shim
