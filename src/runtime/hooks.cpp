#include "runtime/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::runtime {
namespace {

constexpr std::size_t kMaxOutputBytes = 4096;  // tail of the hook's output kept for the error message
constexpr int kPollIntervalMs = 20;

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl O_NONBLOCK");
}

// Kills and reaps the hook if it is still running when the runner leaves early.
struct ChildGuard {
  pid_t pid = -1;
  ~ChildGuard() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

pid_t spawn(const spec::Hook& hook, int stdin_fd, int output_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigfillset(&defaults);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  auto argv = c_strings(args);
  auto envp = c_strings(hook.env);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, hook.path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw_errno("start", rc);
  return pid;
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

}  // namespace

std::string_view to_string(HookPoint point) {
  switch (point) {
    case HookPoint::Prestart: return "prestart";
    case HookPoint::CreateRuntime: return "createRuntime";
    case HookPoint::CreateContainer: return "createContainer";
    case HookPoint::StartContainer: return "startContainer";
    case HookPoint::Poststart: return "poststart";
    case HookPoint::Poststop: return "poststop";
  }
  return "?";
}

const std::vector<spec::Hook>& hooks_at(const spec::Hooks& hooks, HookPoint point) {
  switch (point) {
    case HookPoint::Prestart: return hooks.prestart;
    case HookPoint::CreateRuntime: return hooks.create_runtime;
    case HookPoint::CreateContainer: return hooks.create_container;
    case HookPoint::StartContainer: return hooks.start_container;
    case HookPoint::Poststart: return hooks.poststart;
    case HookPoint::Poststop: return hooks.poststop;
  }
  return hooks.poststop;
}

void run_hook(const spec::Hook& hook, std::string_view state_json) {
  with_context("hook " + runz::quoted(hook.path), [&] {
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) throw_errno("socketpair");
    UniqueFd input(sockets[0]), child_input(sockets[1]);
    auto [output, child_output] = make_pipe();
    set_nonblocking(input.get());
    set_nonblocking(output.get());

    ChildGuard child{spawn(hook, child_input.get(), child_output.get())};
    child_input.reset();
    child_output.reset();

    const auto start = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (hook.timeout) deadline = start + std::chrono::seconds(*hook.timeout);

    std::string_view pending = state_json;
    std::string tail;
    int status = 0;
    for (;;) {
      pollfd fds[2] = {{output.get(), POLLIN, 0}, {input.get(), POLLOUT, 0}};
      const nfds_t count = input ? 2 : 1;
      if (::poll(fds, count, kPollIntervalMs) < 0 && errno != EINTR) throw_errno("poll");
      if (input && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
        const ssize_t n = ::send(input.get(), pending.data(), pending.size(), MSG_NOSIGNAL);
        if (n > 0) pending.remove_prefix(static_cast<std::size_t>(n));
        if (n < 0 && errno != EAGAIN && errno != EINTR) pending = {};  // the hook closed stdin: fine
        if (pending.empty()) input.reset();
      }
      char buffer[1024];
      ssize_t n;
      while ((n = ::read(output.get(), buffer, sizeof buffer)) > 0) {
        tail.append(buffer, static_cast<std::size_t>(n));
        if (tail.size() > kMaxOutputBytes) tail.erase(0, tail.size() - kMaxOutputBytes);
      }
      const pid_t done = ::waitpid(child.pid, &status, WNOHANG);
      if (done == child.pid) {
        child.pid = -1;
        break;
      }
      if (deadline && std::chrono::steady_clock::now() >= *deadline) {
        throw Error("timed out after " + std::to_string(*hook.timeout) + "s (killed)", ETIMEDOUT);
      }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    throw Error(describe(status) + (tail.empty() ? "" : ", output: " + tail));
  });
}

void run_hooks(const spec::Hooks& hooks, HookPoint point, std::string_view state_json) {
  for (const spec::Hook& hook : hooks_at(hooks, point)) {
    with_context(std::string(to_string(point)), [&] { run_hook(hook, state_json); });
  }
}

}  // namespace runz::runtime
