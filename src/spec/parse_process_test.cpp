#include "spec/names.hpp"
#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

TEST_CASE("parse_process works alone, as the guest agent uses it, with process.* paths") {
  auto p = runz::spec::parse_process(json::parse(R"({"args": ["/bin/true"], "cwd": "/tmp", "env": ["A=b=c"]})"));
  CHECK(p.args == std::vector<std::string>{"/bin/true"});
  CHECK(p.env == std::vector<std::string>{"A=b=c"});
  CHECK(p.user.uid == 0);
  CHECK_FALSE(p.terminal);
  CHECK_THROWS_WITH_AS(runz::spec::parse_process(json::parse(R"({"args": ["x"], "cwd": "rel"})")),
                       "config.json: process.cwd: must be an absolute path", runz::spec::ConfigError);
}

TEST_CASE("consoleSize is ignored without a terminal (runtime-spec: MUST ignore)") {
  auto p = runz::spec::parse_process(json::parse(R"({"args": ["sh"], "cwd": "/", "consoleSize": {"height": 1, "width": 2}})"));
  CHECK_FALSE(p.console_size);
  auto t = runz::spec::parse_process(
      json::parse(R"({"args": ["sh"], "cwd": "/", "terminal": true, "consoleSize": {"height": 1, "width": 2}})"));
  REQUIRE(t.console_size);
  CHECK(t.console_size->height == 1);
  CHECK(t.console_size->width == 2);
}

TEST_CASE("process round-trips through to_json, including every capability") {
  runz::spec::Process p;
  p.terminal = true;
  p.console_size = runz::spec::ConsoleSize{30, 100};
  p.user = {7, 8, 022u, {9, 10}, "u"};
  p.args = {"a", "b c"};
  p.env = {"X=1"};
  p.cwd = "/w";
  std::vector<std::string> all(runz::spec::capability_names().begin(), runz::spec::capability_names().end());
  p.capabilities = runz::spec::Capabilities{all, all, {}, all, {"CAP_BPF"}};
  p.rlimits = {{"RLIMIT_NPROC", UINT64_MAX, 10}};
  p.no_new_privileges = true;
  p.oom_score_adj = 1000;
  p.apparmor_profile = "";
  p.selinux_label = "l";
  CHECK(runz::spec::parse_process(runz::spec::to_json(p)) == p);
}

TEST_CASE("rlimits: soft == hard and the maximum value are fine") {
  auto p = runz::spec::parse_process(json::parse(
      R"({"args": ["sh"], "cwd": "/", "rlimits": [{"type": "RLIMIT_STACK", "hard": 18446744073709551615,
          "soft": 18446744073709551615}]})"));
  CHECK(p.rlimits.at(0).hard == UINT64_MAX);
}
