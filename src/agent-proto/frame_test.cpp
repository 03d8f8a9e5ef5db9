#include "agent-proto/frame.hpp"

#include "agent-proto/crc32.hpp"
#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace runz::agent_proto;

namespace {

uint32_t stored_u32(const std::string& f, size_t offset) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(f[offset + i])) << (8 * i);
  return v;
}

}  // namespace

TEST_CASE("encode_frame lays out the 20-byte header: payload CRC, then a CRC of the header itself") {
  const std::string f = encode_frame(MessageType::kStdout, 0x04030201u, "hi");
  REQUIRE(f.size() == kHeaderBytes + 2);
  CHECK(kHeaderBytes == 20);
  CHECK(f.substr(0, 2) == "RZ");
  CHECK(static_cast<uint8_t>(f[2]) == 2);
  CHECK(static_cast<uint8_t>(f[3]) == 0x21);
  CHECK(f.substr(4, 4) == std::string("\x01\x02\x03\x04", 4));
  CHECK(f.substr(8, 4) == std::string("\x02\x00\x00\x00", 4));
  CHECK(stored_u32(f, 12) == crc32(0, "hi"));
  CHECK(stored_u32(f, 16) == crc32(0, std::string_view(f).substr(0, 16)));
  CHECK(f.substr(20) == "hi");

  const auto h = parse_header(f);
  REQUIRE(h);
  CHECK(h->type == MessageType::kStdout);
  CHECK(h->stream == 0x04030201u);
  CHECK(h->length == 2);
  CHECK(h->payload_crc == crc32(0, "hi"));
}

TEST_CASE("parse_header refuses a header whose own CRC does not match, whatever byte changed") {
  const std::string f = encode_frame(MessageType::kExit, 3, "{}");
  for (size_t i = 0; i < kHeaderBytes; ++i) {
    CAPTURE(i);
    std::string bad = f;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    CHECK_FALSE(parse_header(bad));
  }
}

TEST_CASE("encode_frame refuses payloads over kMaxPayloadBytes") {
  CHECK_NOTHROW(encode_frame(MessageType::kStdout, 1, std::string(kMaxPayloadBytes, 'x')));
  CHECK_THROWS_AS(encode_frame(MessageType::kStdout, 1, std::string(kMaxPayloadBytes + 1, 'x')), runz::Error);
}

TEST_CASE("message type names") {
  CHECK(type_name(MessageType::kHello) == "HELLO");
  CHECK(type_name(MessageType::kShutdown) == "SHUTDOWN");
  CHECK(type_name(MessageType::kNetwork) == "NETWORK");
  CHECK(type_name(MessageType::kNetworkReady) == "NETWORK_READY");
  CHECK(type_name(MessageType::kDnsQuery) == "DNS_QUERY");
  CHECK(type_name(MessageType::kDnsAnswer) == "DNS_ANSWER");
  CHECK(type_name(MessageType::kUpdate) == "UPDATE");
  CHECK(type_name(static_cast<MessageType>(0x99)) == "UNKNOWN");
  for (int n : {0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x20, 0x21, 0x22, 0x30, 0x31, 0x32, 0x40}) {
    const auto t = static_cast<uint8_t>(n);
    CHECK(is_known_type(t));
    const auto back = type_from_name(type_name(static_cast<MessageType>(t)));
    REQUIRE(back);
    CHECK(static_cast<uint8_t>(*back) == t);
  }
  for (int n : {0x00, 0x04, 0x0F, 0x1b, 0x23, 0x33, 0x41, 0xFF}) CHECK_FALSE(is_known_type(static_cast<uint8_t>(n)));
  CHECK_FALSE(type_from_name("hello"));
}

TEST_CASE("header_prefix_valid checks fields as they arrive") {
  const std::string f = encode_frame(MessageType::kLog, 0, "x");
  for (size_t n = 0; n <= kHeaderBytes; ++n) CHECK(header_prefix_valid(std::string_view(f).substr(0, n)));
  CHECK_FALSE(header_prefix_valid("Q"));
  CHECK_FALSE(header_prefix_valid("RQ"));
  CHECK_FALSE(header_prefix_valid(std::string_view("RZ\x01", 3)));  // version 1: no header CRC
  CHECK_FALSE(header_prefix_valid(std::string_view("RZ\x02\x05", 4)));
  std::string too_long = f.substr(0, 12);
  too_long[8] = 0x01;
  too_long[9] = 0x40;  // 16385
  CHECK_FALSE(header_prefix_valid(too_long));
  CHECK_FALSE(parse_header(std::string_view(f).substr(0, kHeaderBytes - 1)));
}

TEST_CASE("double_sysrq_prefix doubles each 0x0F and nothing else") {
  using runz::agent_proto::double_sysrq_prefix;
  CHECK(double_sysrq_prefix("") == "");
  CHECK(double_sysrq_prefix("abc") == "abc");
  CHECK(double_sysrq_prefix(std::string("\x0f", 1)) == std::string("\x0f\x0f", 2));
  CHECK(double_sysrq_prefix(std::string("a\x0f\x0f" "b", 4)) == std::string("a\x0f\x0f\x0f\x0f" "b", 6));
}
