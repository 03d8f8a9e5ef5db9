// CRC-32 as zlib's crc32() computes it (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final
// xor 0xFFFFFFFF). Small table implementation so the static guest agent needs no zlib.
#pragma once

#include <cstdint>
#include <string_view>

namespace runz::agent_proto {

// Continues a CRC: crc32(crc32(0, a), b) == crc32(0, a + b). Start with 0.
uint32_t crc32(uint32_t crc, std::string_view bytes) noexcept;

}  // namespace runz::agent_proto
