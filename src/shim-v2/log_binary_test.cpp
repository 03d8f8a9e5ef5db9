#include "shim-v2/log_binary.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "runtime/test_support.hpp"
#include "shim-v2/process_io.hpp"

using namespace runz::shim;
using runz::runtime::test::slurp;
using runz::runtime::test::TempDir;

namespace {

void write_script(const std::filesystem::path& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

void write_str(const runz::UniqueFd& fd, std::string_view s) {
  REQUIRE(::write(fd.get(), s.data(), s.size()) == static_cast<ssize_t>(s.size()));
}

}  // namespace

TEST_CASE("parse_binary_uri: absolute path, query keys and values as arguments in order, %-escapes") {
  auto c = parse_binary_uri("binary:///usr/bin/my%20logger?log-path=/var/log/x%2Fy.log&mode=a+b&flag");
  CHECK(c.path == "/usr/bin/my logger");
  CHECK(c.args == std::vector<std::string>{"log-path", "/var/log/x/y.log", "mode", "a b", "flag"});
  CHECK(parse_binary_uri("binary:///bin/l").args.empty());
  CHECK(parse_binary_uri("binary:///bin/l?").args.empty());
  CHECK_THROWS_WITH_AS(parse_binary_uri("binary://logger?x=1"), doctest::Contains("absolute program path"),
                       runz::Error);
  CHECK_THROWS_WITH_AS(parse_binary_uri("binary:///l?x=%zz"), doctest::Contains("bad %-escape"), runz::Error);
  CHECK_THROWS_WITH_AS(parse_binary_uri("file:///x"), doctest::Contains("not a binary://"), runz::Error);
}

TEST_CASE("LogBinary: containerd's contract (fds 3/4/5, environment, arguments), stopped with SIGTERM") {
  TempDir tmp;
  const auto logger = tmp.path / "logger";
  const auto out = tmp.path / "out";
  // stdout and stderr copied into files, the environment and arguments recorded, then ready (fd 5 closed)
  write_script(logger,
               "d=$(dirname \"$0\")\n"
               "echo \"args=$* env=$(env | sort | tr '\\n' ' ')\" >\"$d/info\"\n"
               "cat <&3 >\"$d/stdout\" 4<&- 5>&- &\n"
               "cat <&4 >\"$d/stderr\" 3<&- 5>&- &\n"
               "exec 3<&- 4<&- 5>&-\n"
               "trap 'wait; echo done >>\"$d/stdout\"; exit 0' TERM\n"
               "while :; do sleep 0.05; done\n");
  std::string uri = "binary://" + logger.string() + "?key=value&other";
  auto stdio = open_stdio("", uri, uri, StdioOwner{"c1", "ns1"});
  REQUIRE(stdio.logger);
  CHECK(stdio.in.valid());
  write_str(stdio.out, "to-stdout\n");
  write_str(stdio.err, "to-stderr\n");
  stdio.out.reset();
  stdio.err.reset();
  const pid_t pid = stdio.logger->pid();
  CHECK(::kill(pid, 0) == 0);
  stdio.logger->stop();
  CHECK(slurp(tmp.path / "stdout") == "to-stdout\ndone\n");
  CHECK(slurp(tmp.path / "stderr") == "to-stderr\n");
  const std::string info = slurp(tmp.path / "info");
  CHECK(info.find("args=key value other ") == 0);
  CHECK(info.find("CONTAINER_ID=c1") != std::string::npos);
  CHECK(info.find("CONTAINER_NAMESPACE=ns1") != std::string::npos);
  CHECK(info.find("PATH=") == std::string::npos);  // only those two, as containerd sets it
  CHECK(::kill(pid, 0) != 0);                       // reaped
  stdio.logger->stop();                             // idempotent
}

TEST_CASE("LogBinary: a logger that ignores SIGTERM is killed; a missing program is an error naming it") {
  TempDir tmp;
  const auto logger = tmp.path / "stubborn";
  write_script(logger, "trap '' TERM\nexec 5>&-\nwhile :; do sleep 0.05; done\n");
  const std::chrono::milliseconds grace{300};
  LogBinary l("binary://" + logger.string(), "c", "n", grace);
  const pid_t pid = l.pid();
  REQUIRE(pid > 0);
  const auto t0 = std::chrono::steady_clock::now();
  l.stop();
  CHECK(std::chrono::steady_clock::now() - t0 >= grace);
  CHECK(::kill(pid, 0) != 0);
  CHECK_THROWS_WITH_AS(LogBinary("binary:///nonexistent/logger", "c", "n"), doctest::Contains("/nonexistent/logger"),
                       runz::Error);
}

TEST_CASE("open_stdio: binary:// only in stderr is refused with the URI in the message") {
  CHECK_THROWS_WITH_AS(open_stdio("", "", "binary:///bin/true", StdioOwner{"c", "n"}),
                       doctest::Contains("named by stdout"), runz::Error);
}
