#include "runtime/monitor_launch.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/error_answer.hpp"

namespace runz::runtime {
namespace {

std::string read_all(int fd) {
  std::string data;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read monitor report");
    }
    if (n == 0) return data;
    data.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

HostProcess launch_monitor(const MonitorContext& context, ZoneStdio stdio, ContainerLock& lock) {
  auto [ready_read, ready_write] = make_pipe();
  const pid_t child = ::fork();
  if (child < 0) throw_errno("fork monitor");
  if (child == 0) {
    ready_read.reset();
    lock.forget_in_child();
    ::setsid();
    const pid_t monitor = ::fork();
    if (monitor != 0) ::_exit(monitor < 0 ? 1 : 0);
    run_monitor(context, std::move(stdio), std::move(ready_write));
  }
  ready_write.reset();
  stdio = ZoneStdio{};  // the monitor has its own copies
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("fork monitor: intermediate process failed");

  const std::string report = read_all(ready_read.get());
  if (report.empty()) throw Error("monitor exited before the zone was ready");
  nlohmann::json message;
  try {
    message = nlohmann::json::parse(report);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("monitor: malformed ready report: ") + e.what());
  }
  if (!message.value("ok", false)) throw error_from_answer(message, "monitor failed");
  return HostProcess{message.at("pid").get<pid_t>(), message.at("startTime").get<uint64_t>()};
}

}  // namespace runz::runtime
