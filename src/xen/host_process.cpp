#include "xen/host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "common/child.hpp"
#include "common/error.hpp"
#include "xen/log.hpp"

extern char** environ;

namespace runz::xen {

std::optional<uint64_t> process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  // comm (field 2) is in parentheses and may contain anything: start after the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::string_view rest(text);
  rest.remove_prefix(close + 1);
  int field = 2;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    ++field;
    std::string_view token = rest.substr(pos, end - pos);
    if (field == 3 && (token == "Z" || token == "X")) return std::nullopt;
    if (field == 22) {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec != std::errc()) return std::nullopt;
      return v;
    }
    pos = end;
  }
  return std::nullopt;
}

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
                                 const std::optional<std::vector<std::string>>& env) {
  if (argv.empty()) throw Error("spawn: empty argv", EINVAL);
  posix_spawn_file_actions_t actions;
  if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) throw_errno("posix_spawn_file_actions_init", rc);
  struct Cleanup {
    posix_spawn_file_actions_t* a;
    ~Cleanup() { posix_spawn_file_actions_destroy(a); }
  } cleanup{&actions};
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  if (env) {
    envp.reserve(env->size() + 1);
    for (const std::string& e : *env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env ? envp.data() : environ); rc != 0)
    throw_errno("spawn " + runz::quoted(argv[0]), rc);
  ChildProcess child;
  child.identity_.pid = pid;
  child.identity_.start_time = process_start_time(pid).value_or(0);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : identity_(std::exchange(other.identity_, {})) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    identity_ = std::exchange(other.identity_, {});
  }
  return *this;
}

ChildProcess::~ChildProcess() { stop(); }

std::optional<int> ChildProcess::poll_exit() {
  if (identity_.pid <= 0) return std::nullopt;
  int status = 0;
  pid_t r = ::waitpid(identity_.pid, &status, WNOHANG);
  if (r == identity_.pid) {
    identity_ = {};
    return status;
  }
  return std::nullopt;
}

void ChildProcess::stop() noexcept {
  if (identity_.pid <= 0) return;
  const pid_t pid = std::exchange(identity_.pid, 0);
  identity_ = {};
  if (!terminate_child(pid, kStopGrace))
    log_warning("helper process " + std::to_string(pid) + " ignored SIGTERM; it got SIGKILL");
}

void kill_recorded(const zone::HostProcess& process) noexcept {
  if (process.pid <= 0) return;
  auto start = process_start_time(process.pid);
  if (!start || *start != process.start_time) return;  // gone, or the pid belongs to someone else now
  if (::kill(process.pid, SIGKILL) != 0 && errno != ESRCH)
    log_warning("kill " + std::to_string(process.pid) + ": " + std::strerror(errno));
}

}  // namespace runz::xen
