#include "spec/names.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <csignal>

TEST_CASE("capabilities follow the kernel's numbering up to CAP_CHECKPOINT_RESTORE") {
  CHECK(runz::spec::capability_names().size() == 41);
  CHECK(runz::spec::capability_number("CAP_CHOWN") == 0);
  CHECK(runz::spec::capability_number("CAP_KILL") == 5);
  CHECK(runz::spec::capability_number("CAP_SYS_ADMIN") == 21);
  CHECK(runz::spec::capability_number("CAP_AUDIT_READ") == 37);
  CHECK(runz::spec::capability_number("CAP_CHECKPOINT_RESTORE") == 40);
  CHECK_FALSE(runz::spec::capability_number("CAP_FOO"));
  CHECK_FALSE(runz::spec::capability_number("kill"));
}

TEST_CASE("rlimit names map to setrlimit resources") {
  CHECK(runz::spec::rlimit_resource("RLIMIT_NOFILE") == RLIMIT_NOFILE);
  CHECK(runz::spec::rlimit_resource("RLIMIT_CORE") == RLIMIT_CORE);
  CHECK(runz::spec::rlimit_resource("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  CHECK(runz::spec::rlimit_resource("RLIMIT_AS") == RLIMIT_AS);
  CHECK_FALSE(runz::spec::rlimit_resource("NOFILE"));
}

TEST_CASE("parse_signal accepts numbers and names in any case, with or without SIG") {
  struct Case {
    const char* text;
    int signal;
  };
  const Case cases[] = {{"9", SIGKILL},       {"KILL", SIGKILL},   {"SIGKILL", SIGKILL}, {"kill", SIGKILL},
                        {"sigkill", SIGKILL}, {"SigTerm", SIGTERM}, {"hup", SIGHUP},     {"WINCH", SIGWINCH},
                        {"CLD", SIGCHLD},     {"IOT", SIGABRT},    {"64", 64},           {"1", 1},
                        {"SIGUSR2", SIGUSR2}, {"sys", SIGSYS}};
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(runz::spec::parse_signal(c.text) == c.signal);
  }
}

TEST_CASE("parse_signal rejects unknown names and out-of-range numbers") {
  const char* unknown[] = {"FOO", "SIG", "", "SIGKILLX", "-9", " 9", "K ILL"};
  for (const char* text : unknown) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(runz::spec::parse_signal(text),
                         ("unknown signal `" + std::string(text) +
                          "` (use a number 1-64 or a name like KILL, SIGTERM, hup)")
                             .c_str(),
                         runz::Error);
  }
  for (const char* text : {"0", "65", "9x", "99999999999999999999"}) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(runz::spec::parse_signal(text),
                         ("invalid signal `" + std::string(text) + "`: numbers must be 1 to 64").c_str(), runz::Error);
  }
}

TEST_CASE("signal_name") {
  CHECK(runz::spec::signal_name(SIGKILL) == "SIGKILL");
  CHECK(runz::spec::signal_name(SIGCHLD) == "SIGCHLD");
  CHECK(runz::spec::signal_name(40) == "SIG40");
}

TEST_CASE("seccomp and namespace tables") {
  CHECK(runz::spec::contains(runz::spec::seccomp_actions(), "SCMP_ACT_KILL_PROCESS"));
  CHECK(runz::spec::contains(runz::spec::seccomp_operators(), "SCMP_CMP_MASKED_EQ"));
  CHECK(runz::spec::contains(runz::spec::seccomp_archs(), "SCMP_ARCH_X86_64"));
  CHECK(runz::spec::contains(runz::spec::seccomp_flags(), "SECCOMP_FILTER_FLAG_TSYNC"));
  CHECK(runz::spec::is_namespace_type("time"));
  CHECK_FALSE(runz::spec::is_namespace_type("net"));
  CHECK(runz::spec::hook_names().size() == 6);
}
