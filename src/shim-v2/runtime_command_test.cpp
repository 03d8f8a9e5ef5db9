#include "shim-v2/runtime_command.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace runz::shim;

namespace {

// A stand-in for the runz CLI that only exercises the process plumbing: prints its argv and stdin, writes
// to stderr, exits with $STATUS.
struct Script {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("runz-shim-cmd-" + std::to_string(::getpid()));
  std::filesystem::path path = dir / "fake-runtime";
  explicit Script(const std::string& body) {
    std::filesystem::create_directories(dir);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  ~Script() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("runtime_argv: global flags before the verb, like runc") {
  RuntimeConfig c{"/usr/bin/runz", "/run/containerd/runz/default", false};
  CHECK(runtime_argv(c, {"start", "abc"}, std::nullopt) ==
        std::vector<std::string>{"/usr/bin/runz", "--root", "/run/containerd/runz/default", "start", "abc"});
  c.debug = true;
  CHECK(runtime_argv(c, {"kill", "abc", "9"}, std::filesystem::path("/b/log.json")) ==
        std::vector<std::string>{"/usr/bin/runz", "--root", "/run/containerd/runz/default", "--log", "/b/log.json",
                                 "--log-format", "json", "--debug", "kill", "abc", "9"});
}

TEST_CASE("run_runtime: output captured, stdin fed, without a log line failures carry runz's last stderr line") {
  // $4 is the private log file run_runtime made for this call; it is gone afterwards.
  Script s("a=\"$1 $2 $3\"; echo \"$4\" > \"$(dirname \"$0\")/log-path\"; shift 4; echo \"$a $*\"; cat; "
           "echo warning >&2; echo \"the real error\" >&2; exit ${STATUS:-0}\n");
  RuntimeConfig c{s.path, "/r", false};
  RunOptions o;
  o.stdin_data = "{\"memory\":{}}";
  RunResult r = run_runtime(c, {"update", "--resources", "-", "abc"}, o);
  CHECK(r.out == "--root /r --log --log-format json update --resources - abc\n{\"memory\":{}}");
  std::string log_path;
  std::getline(std::ifstream(s.dir / "log-path"), log_path);
  CHECK(log_path.find("runz-shim-log-") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(log_path));
  CHECK(r.err == "warning\nthe real error\n");

  ::setenv("STATUS", "3", 1);
  try {
    run_runtime(c, {"kill", "abc"});
    FAIL("expected a failure");
  } catch (const RuntimeCommandError& e) {
    CHECK(e.exit_status() == 3);
    CHECK(e.verb() == "kill");
    CHECK(e.runtime_message() == "the real error");
    CHECK(std::string(e.what()) == "runz kill: the real error");
    CHECK(e.kind() == runz::ErrorKind::Unknown);
  }
  ::unsetenv("STATUS");
}

TEST_CASE("run_runtime: with a --log file the error comes from its last error line; stdio fds are passed") {
  Script s("echo '{\"level\":\"info\",\"msg\":\"hi\"}' >> \"$4\"; echo '{\"level\":\"error\",\"msg\":\"needs Xen\"}' >> \"$4\"; "
           "echo to-stdout; exit 1\n");
  RuntimeConfig c{s.path, "/r", false};
  auto out_path = s.dir / "out";
  int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(out >= 0);
  RunOptions o;
  o.stdout_fd = out;
  o.stderr_fd = out;
  o.log_file = s.dir / "log.json";
  try {
    run_runtime(c, {"create", "abc"}, o);
    FAIL("expected a failure");
  } catch (const RuntimeCommandError& e) {
    CHECK(e.runtime_message() == "needs Xen");
    CHECK(e.kind() == runz::ErrorKind::Unknown);  // the line names no kind
  }
  ::close(out);
  std::ifstream in(out_path);
  std::string line;
  std::getline(in, line);
  CHECK(line == "to-stdout");
}

TEST_CASE("run_runtime: the kind and errno come from runz's error line of this call only") {
  Script s("echo '{\"errno\":2,\"kind\":\"not_found\",\"level\":\"error\",\"msg\":\"container c does not exist\"}'"
           " >> \"$4\"; echo 'container c does not exist' >&2; exit 1\n");
  RuntimeConfig c{s.path, "/r", false};
  // An earlier call's error in the same file is not this call's.
  std::ofstream(s.dir / "log.json") << "{\"kind\":\"already_exists\",\"level\":\"error\",\"msg\":\"old\"}\n";
  for (const bool own_log : {false, true}) {
    RunOptions o;
    if (own_log) o.log_file = s.dir / "log.json";
    try {
      run_runtime(c, {"kill", "c"}, o);
      FAIL("expected a failure");
    } catch (const RuntimeCommandError& e) {
      CHECK(e.runtime_message() == "container c does not exist");
      CHECK(e.kind() == runz::ErrorKind::NotFound);
      CHECK(e.code() == 2);
    }
  }
  const RuntimeFailure last = last_error_in_json_log(s.dir / "log.json", 0);
  CHECK(last.kind == runz::ErrorKind::NotFound);
}

TEST_CASE("run_runtime: a missing binary is RuntimeMissingError") {
  RuntimeConfig c{"/nonexistent/runz", "/r", false};
  CHECK_THROWS_AS(run_runtime(c, {"state", "x"}), RuntimeMissingError);
}

TEST_CASE("last_error_in_json_log: tolerates junk lines and a missing file") {
  Script s("");
  std::ofstream(s.dir / "l.json") << "garbage\n{\"level\":\"error\",\"msg\":\"first\"}\n{\"level\":\"warning\",\"msg\":\"w\"}\n"
                                     "{\"level\":\"error\",\"msg\":\"second\"}\n[1]\n";
  CHECK(last_error_in_json_log(s.dir / "l.json").message == "second");
  CHECK(last_error_in_json_log(s.dir / "l.json").kind == runz::ErrorKind::Unknown);
  CHECK(last_error_in_json_log(s.dir / "missing.json").message.empty());
  std::ofstream(s.dir / "k.json") << "{\"kind\":\"no_such_kind\",\"level\":\"error\",\"msg\":\"m\",\"errno\":\"x\"}\n"
                                     "{\"kind\":\"failed_precondition\",\"level\":\"info\",\"msg\":\"not an error\"}\n";
  const RuntimeFailure odd = last_error_in_json_log(s.dir / "k.json");
  CHECK(odd.message == "m");
  CHECK(odd.kind == runz::ErrorKind::Unknown);  // a kind we do not know, and an errno that is no number
  CHECK(odd.errno_value == 0);
}
