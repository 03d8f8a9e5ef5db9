#include "runtime/log.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace runz::runtime;

namespace {

std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1790000000));  // 2026-09-21T14:13:20Z
}

}  // namespace

TEST_CASE("json log line is logrus' format") {
  const std::string line = format_log_line(LogFormat::Json, LogLevel::Error, "bad \"thing\"", fixed_time());
  CHECK(line == "{\"level\":\"error\",\"msg\":\"bad \\\"thing\\\"\",\"time\":\"2026-09-21T14:13:20Z\"}\n");
}

TEST_CASE("text log line is logrus' text format") {
  const std::string line = format_log_line(LogFormat::Text, LogLevel::Warning, "a \"b\"\nc", fixed_time());
  CHECK(line == "time=\"2026-09-21T14:13:20Z\" level=warning msg=\"a \\\"b\\\"\\nc\"\n");
}

TEST_CASE("an error line carries the kind and errno, for machines") {
  const ErrorFields fields{runz::ErrorKind::NotFound, 2};
  CHECK(format_log_line(LogFormat::Json, LogLevel::Error, "gone", fixed_time(), fields) ==
        "{\"errno\":2,\"kind\":\"not_found\",\"level\":\"error\",\"msg\":\"gone\",\"time\":\"2026-09-21T14:13:20Z\"}\n");
  CHECK(format_log_line(LogFormat::Text, LogLevel::Error, "gone", fixed_time(), fields) ==
        "time=\"2026-09-21T14:13:20Z\" level=error msg=\"gone\" errno=2 kind=not_found\n");
  // No errno: the field is left out, the kind is still there.
  const auto line = nlohmann::json::parse(format_log_line(
      LogFormat::Json, LogLevel::Error, "x", fixed_time(), ErrorFields{runz::ErrorKind::FailedPrecondition, 0}));
  CHECK(line["kind"] == "failed_precondition");
  CHECK_FALSE(line.contains("errno"));
}

TEST_CASE("error_fields: the kind survives the context the layers added") {
  const runz::Error wrapped =
      runz::Error("container not running", runz::ErrorKind::FailedPrecondition).with_context("kill `c1`");
  const ErrorFields fields = error_fields(wrapped);
  CHECK(fields.kind == runz::ErrorKind::FailedPrecondition);
  CHECK(fields.errno_value == 0);
  CHECK(error_fields(runz::Error("open x", ENOENT)).errno_value == ENOENT);
  CHECK(error_fields(std::runtime_error("boom")).kind == runz::ErrorKind::Unknown);
}

TEST_CASE("Logger appends to its file and drops debug lines unless asked") {
  char dir_template[] = "/tmp/runz-log-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path file = std::filesystem::path(dir_template) / "log.json";
  Logger(file, LogFormat::Json, false).debug("hidden");
  Logger(file, LogFormat::Json, false).error("first");
  Logger(file, LogFormat::Json, true).debug("second");
  Logger(file, LogFormat::Json, false).error(runz::Error("container c does not exist", runz::ErrorKind::NotFound));
  std::ifstream in(file);
  std::string a, b, c, d;
  REQUIRE(std::getline(in, a));
  REQUIRE(std::getline(in, b));
  REQUIRE(std::getline(in, c));
  CHECK_FALSE(std::getline(in, d));
  CHECK(nlohmann::json::parse(a)["msg"] == "first");
  CHECK_FALSE(nlohmann::json::parse(a).contains("kind"));  // a plain message line has no kind
  CHECK(nlohmann::json::parse(b)["level"] == "debug");
  CHECK(nlohmann::json::parse(c)["kind"] == "not_found");
  std::filesystem::remove_all(dir_template);
}
