#include "xen/host_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

using runz::xen::ChildProcess;
using runz::xen::process_start_time;

TEST_CASE("process_start_time reads our own start time and nothing for a missing pid") {
  auto self = process_start_time(::getpid());
  REQUIRE(self);
  CHECK(*self > 0);
  CHECK_FALSE(process_start_time(0x3fffffff));
}

TEST_CASE("a spawned child logs to its file, and stop() terminates and reaps it") {
  auto log = std::filesystem::temp_directory_path() / ("xen_host_process_test." + std::to_string(::getpid()));
  std::filesystem::remove(log);
  {
    ChildProcess child = ChildProcess::spawn({"/bin/sh", "-c", "echo started; exec sleep 60"}, log);
    REQUIRE(child.running());
    CHECK(child.identity().start_time == process_start_time(child.identity().pid).value_or(0));
    for (int i = 0; i < 200 && std::filesystem::file_size(log) == 0; ++i) usleep(10000);
    const pid_t pid = child.identity().pid;
    child.stop();
    CHECK_FALSE(child.running());
    CHECK_FALSE(process_start_time(pid));
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "started\n");
  std::filesystem::remove(log);
}

TEST_CASE("a spawned child gets exactly the environment it is given") {
  auto log = std::filesystem::temp_directory_path() / ("xen_host_process_env." + std::to_string(::getpid()));
  const auto run = [&](const std::optional<std::vector<std::string>>& env) {
    std::filesystem::remove(log);
    ChildProcess child = ChildProcess::spawn({"/usr/bin/env"}, log, env);
    std::optional<int> status;
    for (int i = 0; i < 500 && !status; ++i) {
      status = child.poll_exit();
      if (!status) usleep(10000);
    }
    REQUIRE(status);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  CHECK(run(std::vector<std::string>{}).empty());
  CHECK(run(std::vector<std::string>{"ONLY=this"}) == "ONLY=this\n");
  std::filesystem::remove(log);
}

TEST_CASE("poll_exit reports the exit status once") {
  ChildProcess child = ChildProcess::spawn({"/bin/sh", "-c", "exit 3"}, "/dev/null");
  std::optional<int> status;
  for (int i = 0; i < 500 && !status; ++i) {
    status = child.poll_exit();
    if (!status) usleep(10000);
  }
  REQUIRE(status);
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 3);
  CHECK_FALSE(child.running());
}

TEST_CASE("kill_recorded leaves a pid alone whose start time differs") {
  ChildProcess child = ChildProcess::spawn({"/bin/sleep", "60"}, "/dev/null");
  auto identity = child.identity();
  identity.start_time += 1;  // as if the pid had been recycled
  runz::xen::kill_recorded(identity);
  usleep(50000);
  CHECK(child.poll_exit() == std::nullopt);  // still running
  runz::xen::kill_recorded(child.identity());
  std::optional<int> status;
  for (int i = 0; i < 500 && !status; ++i) {
    status = child.poll_exit();
    if (!status) usleep(10000);
  }
  REQUIRE(status);
  CHECK(WIFSIGNALED(*status));
}
