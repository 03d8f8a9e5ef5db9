#include "runtime/process_identity.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/error.hpp"

namespace runz::runtime {

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  // Fields after comm, 1-based from field 3 (state): field 22 is the 20th.
  ProcStat stat;
  int field = 3;
  while (!rest.empty()) {
    const auto begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) break;
    rest.remove_prefix(begin);
    const auto end = rest.find_first_of(" \n");
    const std::string_view token = rest.substr(0, end);
    if (field == 3) {
      if (token.size() != 1) return std::nullopt;
      stat.state = token[0];
    } else if (field == 22) {
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), stat.start_time);
      if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
      return stat;
    }
    ++field;
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  return std::nullopt;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse_proc_stat(text.str());
}

HostProcess identify(pid_t pid) {
  const auto stat = read_proc_stat(pid);
  if (!stat) throw Error("read /proc/" + std::to_string(pid) + "/stat: no such process or malformed");
  return HostProcess{pid, stat->start_time};
}

bool is_alive(const HostProcess& process) {
  const auto stat = read_proc_stat(process.pid);
  return stat && stat->start_time == process.start_time && stat->state != 'Z' && stat->state != 'X';
}

bool wait_gone(const HostProcess& process, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (is_alive(process)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool kill_and_wait(const HostProcess& process, std::chrono::milliseconds timeout) {
  // The window between the check and the kill is a few microseconds; the pid cannot be recycled unless the
  // process died and the pid space wrapped inside it.
  if (is_alive(process)) ::kill(process.pid, SIGKILL);
  return wait_gone(process, timeout);
}

}  // namespace runz::runtime
