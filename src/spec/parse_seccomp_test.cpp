#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {
std::string error_of(const char* seccomp) {
  try {
    runz::spec::parse_linux(json{{"seccomp", json::parse(seccomp)}});
  } catch (const runz::spec::ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a typical docker-like profile parses and round-trips") {
  json seccomp = json::parse(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "syscalls": [
      {"names": ["accept", "read"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ", "valueTwo": 0}]},
      {"names": ["kexec_load"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["open_by_handle_at"], "action": "SCMP_ACT_TRACE", "errnoRet": 1}
    ]})");
  auto l = runz::spec::parse_linux(json{{"seccomp", seccomp}});
  REQUIRE(l.seccomp);
  CHECK(l.seccomp->syscalls.size() == 4);
  CHECK(l.seccomp->syscalls[1].args.at(0).op == "SCMP_CMP_MASKED_EQ");
  CHECK(runz::spec::parse_linux(runz::spec::to_json(l)) == l);
}

TEST_CASE("seccomp rejections") {
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_NOTIFY"})") ==
        "config.json: linux.seccomp.listenerPath: is required when SCMP_ACT_NOTIFY is used");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}]}]})") ==
        "config.json: linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]}]})") ==
        "config.json: linux.seccomp.syscalls[0].args[0].value: is required");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_KILL",
                     "errnoRet": 1}]})") ==
        "config.json: linux.seccomp.syscalls[0].errnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
        "`SCMP_ACT_KILL`");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""], "action": "SCMP_ACT_KILL"}]})") ==
        "config.json: linux.seccomp.syscalls[0].names[0]: must not be empty");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"]}]})") ==
        "config.json: linux.seccomp.syscalls[0].action: is required (SCMP_ACT_*)");
  CHECK(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "rel.sock"})") ==
        "config.json: linux.seccomp.listenerPath: must be an absolute path");
  CHECK(error_of(R"("SCMP_ACT_ALLOW")") == "config.json: linux.seccomp: must be an object");
}
