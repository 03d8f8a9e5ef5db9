#include "common/error.hpp"

#include <doctest/doctest.h>

#include <cerrno>

TEST_CASE("context frames are prepended and errno is kept") {
  try {
    runz::with_context("create `abc`", [] {
      runz::with_context("build domain 7", [] { runz::throw_errno("populate physmap", ENOMEM); });
    });
    FAIL("no exception");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()) == "create `abc`: build domain 7: populate physmap: Cannot allocate memory");
    CHECK(e.code() == ENOMEM);
  }
}

TEST_CASE("foreign exceptions become runz::Error with context") {
  CHECK_THROWS_WITH_AS(runz::with_context("parse", [] { throw std::out_of_range("index 9"); }), "parse: index 9",
                       runz::Error);
}

TEST_CASE("with_context passes values through") {
  CHECK(runz::with_context("x", [] { return 42; }) == 42);
  CHECK(runz::quoted("a b") == "`a b`");
}
