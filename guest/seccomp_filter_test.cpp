#include "guest/seccomp_filter.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace runz::guest;

namespace {

runz::spec::Seccomp errno_for_mkdir() {
  runz::spec::Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  runz::spec::SeccompSyscall rule;
  rule.names = {"mkdir", "mkdirat", "not_a_syscall_at_all"};
  rule.action = "SCMP_ACT_ERRNO";
  s.syscalls.push_back(rule);
  return s;
}

}  // namespace

TEST_CASE("actions, operators and architectures translate") {
  CHECK(seccomp_action("SCMP_ACT_ALLOW", std::nullopt) == SCMP_ACT_ALLOW);
  CHECK(seccomp_action("SCMP_ACT_ERRNO", std::nullopt) == SCMP_ACT_ERRNO(EPERM));
  CHECK(seccomp_action("SCMP_ACT_ERRNO", 38u) == SCMP_ACT_ERRNO(38));
  CHECK(seccomp_action("SCMP_ACT_KILL", std::nullopt) == SCMP_ACT_KILL_THREAD);
  CHECK(seccomp_action("SCMP_ACT_KILL_PROCESS", std::nullopt) == SCMP_ACT_KILL_PROCESS);
  CHECK(seccomp_action("SCMP_ACT_LOG", std::nullopt) == SCMP_ACT_LOG);
  CHECK_THROWS_AS(seccomp_action("SCMP_ACT_NOTIFY", std::nullopt), runz::Error);
  CHECK_THROWS_AS(seccomp_action("SCMP_ACT_BOGUS", std::nullopt), runz::Error);
  CHECK(seccomp_operator("SCMP_CMP_MASKED_EQ") == SCMP_CMP_MASKED_EQ);
  CHECK_THROWS_AS(seccomp_operator("SCMP_CMP_XX"), runz::Error);
  CHECK(seccomp_arch("SCMP_ARCH_X86_64") == SCMP_ARCH_X86_64);
  CHECK(seccomp_arch("SCMP_ARCH_AARCH64") == SCMP_ARCH_AARCH64);
  CHECK_THROWS_AS(seccomp_arch("SCMP_ARCH_VAX"), runz::Error);
}

TEST_CASE("a filter with an errno rule exports as expected") {
  const SeccompFilter filter = build_seccomp_filter(errno_for_mkdir(), false);
  const std::string pfc = seccomp_filter_pfc(filter);
  CHECK(pfc.find("if ($syscall == 83)") != std::string::npos);  // mkdir on x86_64
  CHECK(pfc.find("action ERRNO(1)") != std::string::npos);
  CHECK(pfc.find("# filter for arch x86 (1073741827)") != std::string::npos);
  CHECK(pfc.find("action ALLOW") != std::string::npos);
}

TEST_CASE("argument comparisons") {
  runz::spec::Seccomp s;
  s.default_action = "SCMP_ACT_ERRNO";
  s.default_errno_ret = 38;
  runz::spec::SeccompSyscall personality;
  personality.names = {"personality"};
  personality.action = "SCMP_ACT_ALLOW";
  personality.args = {{0, 0, 0, "SCMP_CMP_EQ"}, {0, 8, 0, "SCMP_CMP_EQ"}};  // repeated index: OR
  s.syscalls.push_back(personality);
  runz::spec::SeccompSyscall clone;
  clone.names = {"clone"};
  clone.action = "SCMP_ACT_ALLOW";
  clone.args = {{0, 0x7E020000, 0, "SCMP_CMP_MASKED_EQ"}};
  s.syscalls.push_back(clone);
  runz::spec::SeccompSyscall same_as_default;
  same_as_default.names = {"reboot"};
  same_as_default.action = "SCMP_ACT_ERRNO";
  same_as_default.errno_ret = 38;
  s.syscalls.push_back(same_as_default);  // skipped: equals the default action
  const std::string pfc = seccomp_filter_pfc(build_seccomp_filter(s, true));
  CHECK(pfc.find("action ERRNO(38)") != std::string::npos);
  CHECK(pfc.find("if ($a0.lo32 == 8)") != std::string::npos);
  CHECK(pfc.find("if ($a0.lo32 == 0)") != std::string::npos);
  CHECK(pfc.find("& 0x7e020000") != std::string::npos);
}

TEST_CASE("bad input is refused") {
  runz::spec::Seccomp s = errno_for_mkdir();
  s.syscalls[0].args = {{6, 0, 0, "SCMP_CMP_EQ"}};
  CHECK_THROWS_AS(build_seccomp_filter(s, false), runz::Error);
  s = errno_for_mkdir();
  s.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
  CHECK_THROWS_AS(build_seccomp_filter(s, false), runz::Error);
  s = errno_for_mkdir();
  s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  CHECK_NOTHROW(build_seccomp_filter(s, false));
}
