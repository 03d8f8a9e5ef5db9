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

TEST_CASE("the kind follows the errno unless the thrower names one") {
  CHECK(runz::Error("x").kind() == runz::ErrorKind::Unknown);
  CHECK(runz::Error("x", ENOENT).kind() == runz::ErrorKind::NotFound);
  CHECK(runz::Error("x", EEXIST).kind() == runz::ErrorKind::AlreadyExists);
  CHECK(runz::Error("x", EINVAL).kind() == runz::ErrorKind::InvalidArgument);
  CHECK(runz::Error("x", EACCES).kind() == runz::ErrorKind::PermissionDenied);
  CHECK(runz::Error("x", ETIMEDOUT).kind() == runz::ErrorKind::Timeout);
  CHECK(runz::Error("x", ENOSYS).kind() == runz::ErrorKind::Unimplemented);
  CHECK(runz::Error("x", EIO).kind() == runz::ErrorKind::Internal);
  const runz::Error named("x", runz::ErrorKind::FailedPrecondition, ENOENT);
  CHECK(named.kind() == runz::ErrorKind::FailedPrecondition);
  CHECK(named.code() == ENOENT);
}

namespace {
// A typed error as the runtime library has them (errors.hpp, status.hpp): the kind is set by the type.
struct NotRunning : runz::Error {
  NotRunning() : runz::Error("container not running", runz::ErrorKind::FailedPrecondition) {}
};
}  // namespace

TEST_CASE("the kind survives nested context frames") {
  try {
    runz::with_context("outer", [] { runz::with_context("inner", [] { throw NotRunning(); }); });
    FAIL("no exception");
  } catch (const runz::Error& e) {
    CHECK(std::string(e.what()) == "outer: inner: container not running");
    CHECK(e.kind() == runz::ErrorKind::FailedPrecondition);
    CHECK(e.code() == 0);
  }
  CHECK(NotRunning().with_context("a").with_context("b").kind() == runz::ErrorKind::FailedPrecondition);
  CHECK(runz::Error("x", ENOENT).with_kind(runz::ErrorKind::FailedPrecondition).code() == ENOENT);
  CHECK(runz::error_kind_of(std::runtime_error("x")) == runz::ErrorKind::Unknown);
  CHECK(runz::error_kind_of(NotRunning()) == runz::ErrorKind::FailedPrecondition);
}

TEST_CASE("kind names round-trip and unknown names are refused") {
  for (auto kind : {runz::ErrorKind::Unknown, runz::ErrorKind::NotFound, runz::ErrorKind::AlreadyExists,
                    runz::ErrorKind::InvalidArgument, runz::ErrorKind::FailedPrecondition,
                    runz::ErrorKind::PermissionDenied, runz::ErrorKind::Unavailable, runz::ErrorKind::Timeout,
                    runz::ErrorKind::Unimplemented, runz::ErrorKind::Internal}) {
    CHECK(runz::error_kind_from_string(runz::to_string(kind)) == kind);
  }
  CHECK(runz::to_string(runz::ErrorKind::NotFound) == "not_found");
  CHECK_FALSE(runz::error_kind_from_string("NotFound"));
}
