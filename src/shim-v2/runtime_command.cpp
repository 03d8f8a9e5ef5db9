#include "shim-v2/runtime_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace runz::shim {
namespace {

constexpr int kExecFailedStatus = 127;

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// The last non-empty line: runz prints one error line, possibly after warnings.
std::string last_line(const std::string& text) {
  std::string t = trim(text);
  auto pos = t.rfind('\n');
  return pos == std::string::npos ? t : t.substr(pos + 1);
}

// Reads both capture pipes to EOF without deadlocking on either, and feeds stdin data.
void pump(int out_fd, int err_fd, int in_fd, std::string_view in_data, RunResult& result) {
  std::size_t in_done = 0;
  if (in_fd >= 0 && in_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  while (out_fd >= 0 || err_fd >= 0 || in_fd >= 0) {
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll runtime output");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        (i == 0 ? out_fd : err_fd) = -1;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      ssize_t n = ::write(in_fd, in_data.data() + in_done, in_data.size() - in_done);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) in_done += static_cast<std::size_t>(n);
      if (n < 0 || in_done == in_data.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
}

// runz's log for one call that has none of its own: a fresh file, removed after the call, so what is read
// back is this call's error and no other's.
class PrivateLog {
 public:
  PrivateLog() {
    std::string name = (std::filesystem::temp_directory_path() / "runz-shim-log-XXXXXX").string();
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd) throw_errno("create a log file for runz in " + runz::quoted(name));
    path_ = name;
  }
  PrivateLog(const PrivateLog&) = delete;
  PrivateLog& operator=(const PrivateLog&) = delete;
  ~PrivateLog() {
    std::error_code ignored;  // a leftover empty temp file is not worth failing a call for
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

std::uintmax_t size_or_zero(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

}  // namespace

RuntimeCommandError::RuntimeCommandError(std::string verb, int exit_status, RuntimeFailure failure)
    : Error("runz " + verb + ": " + (failure.message.empty() ? "exit status " + std::to_string(exit_status)
                                                             : failure.message),
            failure.kind, failure.errno_value),
      verb_(std::move(verb)),
      exit_status_(exit_status),
      runtime_message_(std::move(failure.message)) {}

std::vector<std::string> runtime_argv(const RuntimeConfig& config, const std::vector<std::string>& args,
                                      const std::optional<std::filesystem::path>& log_file) {
  std::vector<std::string> argv{config.binary.string(), "--root", config.root.string()};
  if (log_file) {
    argv.insert(argv.end(), {"--log", log_file->string(), "--log-format", "json"});
  }
  if (config.debug) argv.emplace_back("--debug");
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RuntimeFailure last_error_in_json_log(const std::filesystem::path& file, std::uintmax_t from) {
  std::ifstream in(file);
  in.seekg(static_cast<std::streamoff>(from));
  std::string line;
  RuntimeFailure failure;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) continue;
    auto level = doc.find("level");
    auto msg = doc.find("msg");
    if (level == doc.end() || msg == doc.end() || !level->is_string() || !msg->is_string() ||
        (*level != "error" && *level != "fatal")) {
      continue;
    }
    failure = RuntimeFailure{msg->get<std::string>(), ErrorKind::Unknown, 0};
    if (auto kind = doc.find("kind"); kind != doc.end() && kind->is_string()) {
      failure.kind = error_kind_from_string(kind->get<std::string>()).value_or(ErrorKind::Unknown);
    }
    if (auto code = doc.find("errno"); code != doc.end() && code->is_number_integer()) {
      failure.errno_value = code->get<int>();
    }
  }
  return failure;
}

RunResult run_runtime(const RuntimeConfig& config, const std::vector<std::string>& args, const RunOptions& options) {
  const std::string verb = args.empty() ? std::string() : args.front();
  std::optional<PrivateLog> private_log;
  if (!options.log_file) private_log.emplace();
  const std::filesystem::path log_file = options.log_file ? *options.log_file : private_log->path();
  const std::uintmax_t log_start = size_or_zero(log_file);  // earlier calls' lines are not this call's error
  std::vector<std::string> argv_strings = runtime_argv(config, args, log_file);
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  UniqueFd null_fd = open_dev_null();
  UniqueFd out_r, out_w, err_r, err_w, in_r, in_w;
  if (!options.stdout_fd) std::tie(out_r, out_w) = make_pipe();
  if (!options.stderr_fd) std::tie(err_r, err_w) = make_pipe();
  if (options.stdin_data) std::tie(in_r, in_w) = make_pipe();
  auto [status_r, status_w] = make_pipe();  // the child writes errno here if exec fails (CLOEXEC: EOF on success)

  const int child_in = options.stdin_fd ? *options.stdin_fd : (in_r ? in_r.get() : null_fd.get());
  const int child_out = options.stdout_fd ? *options.stdout_fd : out_w.get();
  const int child_err = options.stderr_fd ? *options.stderr_fd : err_w.get();

  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork runz " + verb);
  if (pid == 0) {
    // Child: async-signal-safe calls only. Move the three sources above 2 first so dup2 cannot clobber one
    // with another, then onto 0..2 (dup2 clears CLOEXEC on the targets).
    int src[3] = {child_in, child_out, child_err};
    for (int& fd : src) {
      if (fd <= 2) fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    }
    for (int i = 0; i < 3; ++i) {
      if (src[i] < 0 || ::dup2(src[i], i) < 0) {
        int e = errno;
        (void)!::write(status_w.get(), &e, sizeof e);
        ::_exit(kExecFailedStatus);
      }
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    int e = errno;
    (void)!::write(status_w.get(), &e, sizeof e);
    ::_exit(kExecFailedStatus);
  }

  // Parent: drop the child's ends so EOF arrives when the child (and whatever it leaves running) closes them.
  status_w.reset();
  out_w.reset();
  err_w.reset();
  in_r.reset();
  RunResult result;
  std::exception_ptr pump_error;
  try {
    pump(out_r.release(), err_r.release(), in_w.release(), options.stdin_data.value_or(""), result);
  } catch (...) {
    pump_error = std::current_exception();
  }
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(status_r.get(), &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) throw_errno("wait for runz " + verb);
  }
  if (pump_error) std::rethrow_exception(pump_error);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    throw RuntimeMissingError("run runtime " + runz::quoted(config.binary.string()) + ": " +
                                  std::strerror(exec_errno),
                              exec_errno);
  }
  int exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  if (exit_status != 0) {
    RuntimeFailure failure = last_error_in_json_log(log_file, log_start);
    if (failure.message.empty()) failure = RuntimeFailure{last_line(result.err), ErrorKind::Unknown, 0};
    throw RuntimeCommandError(verb, exit_status, std::move(failure));
  }
  return result;
}

}  // namespace runz::shim
