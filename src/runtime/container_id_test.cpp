#include "runtime/container_id.hpp"

#include <doctest/doctest.h>

#include <string>

#include "common/error.hpp"

using runz::runtime::validate_container_id;

TEST_CASE("container ids runc accepts") {
  for (const char* id : {"a", "abc-123", "A_b.c", "x+y", "a,b", "...", "0123456789abcdef", ".a", "a.."}) {
    CAPTURE(id);
    CHECK_NOTHROW(validate_container_id(id));
  }
  CHECK_NOTHROW(validate_container_id(std::string(255, 'a')));
}

TEST_CASE("container ids runc refuses") {
  for (const char* id : {".", "..", "a/b", "/", "a b", "a:b", "é", "a\n", "a*", "$x"}) {
    CAPTURE(id);
    CHECK_THROWS_WITH_AS(validate_container_id(id), doctest::Contains("invalid id format"), runz::Error);
  }
  CHECK_THROWS_AS(validate_container_id(std::string(256, 'a')), runz::Error);
  CHECK_THROWS_WITH(validate_container_id(""), "container id cannot be empty");
}
