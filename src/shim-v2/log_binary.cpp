#include "shim-v2/log_binary.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "common/child.hpp"
#include "common/error.hpp"

namespace runz::shim {
namespace {

std::optional<int> hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// %XX escapes; '+' is a space in a query (as Go's url.ParseQuery reads it), not in the path.
std::string unescape(std::string_view s, bool query, std::string_view uri) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      auto hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : std::nullopt;
      auto lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : std::nullopt;
      if (!hi || !lo) throw Error("stdio " + quoted(uri) + ": bad %-escape at offset " + std::to_string(i));
      out.push_back(static_cast<char>(*hi * 16 + *lo));
      i += 2;
    } else {
      out.push_back(query && s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// An fd above the three the program gets (3..5), so the dup2s into them cannot clobber one another.
UniqueFd above_targets(const UniqueFd& fd) {
  UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 10));
  if (!moved) throw_errno("fcntl F_DUPFD_CLOEXEC");
  return moved;
}

}  // namespace

LogBinaryCommand parse_binary_uri(std::string_view uri) {
  if (!uri.starts_with(kBinaryScheme)) throw Error("stdio " + quoted(uri) + ": not a binary:// URI");
  std::string_view rest = uri.substr(kBinaryScheme.size());
  std::string_view path = rest, query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    path = rest.substr(0, q);
    query = rest.substr(q + 1);
  }
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  LogBinaryCommand cmd;
  cmd.path = unescape(path, false, uri);
  if (!cmd.path.starts_with('/')) {
    throw Error("stdio " + quoted(uri) + ": binary:// needs an absolute program path (binary:///path/to/logger)");
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    cmd.args.push_back(unescape(pair.substr(0, eq), true, uri));
    if (eq != std::string_view::npos) cmd.args.push_back(unescape(pair.substr(eq + 1), true, uri));
  }
  return cmd;
}

LogBinary::LogBinary(std::string_view uri, std::string_view container_id, std::string_view ns,
                     std::chrono::milliseconds stop_grace)
    : stop_grace_(stop_grace) {
  LogBinaryCommand cmd = parse_binary_uri(uri);
  auto [out_r, out_w] = make_pipe();
  auto [err_r, err_w] = make_pipe();
  auto [ready_r, ready_w] = make_pipe();
  UniqueFd fds[3] = {above_targets(out_r), above_targets(err_r), above_targets(ready_w)};
  out_r.reset();
  err_r.reset();
  ready_w.reset();

  std::vector<std::string> argv_strings{cmd.path};
  argv_strings.insert(argv_strings.end(), cmd.args.begin(), cmd.args.end());
  std::vector<std::string> env_strings{"CONTAINER_ID=" + std::string(container_id),
                                       "CONTAINER_NAMESPACE=" + std::string(ns)};
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  for (int target = 0; target < 3; ++target) {
    posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  for (int i = 0; i < 3; ++i) posix_spawn_file_actions_adddup2(&actions, fds[i].get(), 3 + i);
  int rc = ::posix_spawn(&pid_, cmd.path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw_errno("stdio " + quoted(uri) + ": start logging binary " + quoted(cmd.path), rc);
  for (auto& fd : fds) fd.reset();  // ours closed: EOF on ready_r once the program closes fd 5

  // Ready: the program wrote to or closed fd 5.
  if (!wait_readable(ready_r.get(), kReadyTimeout)) {
    stop();
    throw Error("stdio " + quoted(uri) + ": logging binary " + quoted(cmd.path) + " did not get ready (fd 5) in " +
                std::to_string(kReadyTimeout.count()) + " s");
  }
  stdout_w_ = std::move(out_w);
  stderr_w_ = std::move(err_w);
}

LogBinary::~LogBinary() { stop(); }

void LogBinary::stop() noexcept {
  stdout_w_.reset();
  stderr_w_.reset();
  terminate_child(std::exchange(pid_, -1), stop_grace_);
}

}  // namespace runz::shim
