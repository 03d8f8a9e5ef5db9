#include "runtime/log.hpp"

#include <doctest/doctest.h>

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

TEST_CASE("Logger appends to its file and drops debug lines unless asked") {
  char dir_template[] = "/tmp/runz-log-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path file = std::filesystem::path(dir_template) / "log.json";
  Logger(file, LogFormat::Json, false).debug("hidden");
  Logger(file, LogFormat::Json, false).error("first");
  Logger(file, LogFormat::Json, true).debug("second");
  std::ifstream in(file);
  std::string a, b, c;
  REQUIRE(std::getline(in, a));
  REQUIRE(std::getline(in, b));
  CHECK_FALSE(std::getline(in, c));
  CHECK(nlohmann::json::parse(a)["msg"] == "first");
  CHECK(nlohmann::json::parse(b)["level"] == "debug");
  std::filesystem::remove_all(dir_template);
}
