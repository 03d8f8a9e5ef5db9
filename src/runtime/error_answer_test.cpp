#include "runtime/error_answer.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "runtime/errors.hpp"
#include "runtime/status.hpp"

using namespace runz::runtime;
using runz::ErrorKind;

TEST_CASE("a typed error crosses the monitor's socket with its kind") {
  const auto answer = error_answer(StatusError(Verb::Pause, Status::Stopped, "c1"));
  CHECK(answer["ok"] == false);
  CHECK(answer["kind"] == "failed_precondition");
  CHECK_FALSE(answer.contains("errno"));
  const runz::Error back = error_from_answer(answer, "fallback");
  CHECK(std::string(back.what()) == "container not running");
  CHECK(back.kind() == ErrorKind::FailedPrecondition);
}

TEST_CASE("the errno crosses too, and context frames keep the kind") {
  const auto answer = error_answer(runz::Error("open x", ENOENT).with_context("exec"));
  CHECK(answer["errno"] == ENOENT);
  const runz::Error back = error_from_answer(answer, "fallback");
  CHECK(back.kind() == ErrorKind::NotFound);
  CHECK(back.code() == ENOENT);
  CHECK(back.with_context("runz exec").kind() == ErrorKind::NotFound);
}

TEST_CASE("an answer without a known kind: the errno decides, then Unknown") {
  CHECK(error_from_answer({{"ok", false}, {"error", "x"}}, "f").kind() == ErrorKind::Unknown);
  CHECK(error_from_answer({{"ok", false}, {"error", "x"}, {"kind", "brand_new"}, {"errno", EEXIST}}, "f").kind() ==
        ErrorKind::AlreadyExists);
  CHECK(std::string(error_from_answer({{"ok", false}}, "monitor failed").what()) == "monitor failed");
  CHECK(error_answer(std::runtime_error("boom"))["kind"] == "unknown");
}
