#include "xen/uuid.hpp"

#include <doctest/doctest.h>

using runz::xen::Uuid;

TEST_CASE("random UUIDs are version 4, distinct, and round-trip through text") {
  Uuid a = Uuid::random();
  Uuid b = Uuid::random();
  CHECK(a != b);
  CHECK_FALSE(a.is_nil());
  std::string s = a.to_string();
  CHECK(s.size() == 36);
  CHECK(s[14] == '4');
  CHECK((s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b'));
  auto parsed = Uuid::parse(s);
  REQUIRE(parsed);
  CHECK(*parsed == a);
}

TEST_CASE("parse accepts the canonical form in either case and nothing else") {
  auto u = Uuid::parse("00112233-4455-6677-8899-AABBCCDDEEFF");
  REQUIRE(u);
  CHECK(u->to_string() == "00112233-4455-6677-8899-aabbccddeeff");
  CHECK_FALSE(Uuid::parse(""));
  CHECK_FALSE(Uuid::parse("00112233445566778899aabbccddeeff"));
  CHECK_FALSE(Uuid::parse("00112233-4455-6677-8899-aabbccddeefg"));
  CHECK_FALSE(Uuid::parse("00112233-4455-6677-8899_aabbccddeeff"));
  CHECK_FALSE(Uuid::parse("00112233-4455-6677-8899-aabbccddeeff0"));
  CHECK(Uuid().is_nil());
  CHECK(Uuid().to_string() == "00000000-0000-0000-0000-000000000000");
}
