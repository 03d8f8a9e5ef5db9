#include "agent-proto/crc32.hpp"

#include <doctest/doctest.h>

using runz::agent_proto::crc32;

TEST_CASE("crc32 matches zlib's check values") {
  CHECK(crc32(0, "") == 0u);
  CHECK(crc32(0, "123456789") == 0xCBF43926u);
  CHECK(crc32(0, "The quick brown fox jumps over the lazy dog") == 0x414FA339u);
  CHECK(crc32(0, std::string_view("\0", 1)) == 0xD202EF8Du);
}

TEST_CASE("crc32 continues across pieces") {
  const std::string_view all = "hello, zone";
  for (size_t split = 0; split <= all.size(); ++split)
    CHECK(crc32(crc32(0, all.substr(0, split)), all.substr(split)) == crc32(0, all));
}
