// containerd's `binary://` stdio: a logging program the shim runs for a process (`ctr run --log-uri
// binary:///path?key=value`, Docker's and nerdctl's logging drivers). The contract, as containerd's shims
// keep it: the program runs with the query's keys and values as arguments, CONTAINER_ID and
// CONTAINER_NAMESPACE as its whole environment, stdio on /dev/null, the read ends of the process's stdout
// and stderr pipes as fds 3 and 4, and the write end of a pipe as fd 5 that it closes (or writes to) when
// it is ready. The process's output goes into the pipes; the program gets SIGTERM when the process is
// deleted and SIGKILL if it has not exited 12 s later.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"

namespace runz::shim {

inline constexpr std::string_view kBinaryScheme = "binary://";

// A binary:// URI taken apart: absolute program path and its arguments (query keys and values in order).
struct LogBinaryCommand {
  std::string path;
  std::vector<std::string> args;
};
// Throws runz::Error naming the URI when it has no absolute path or a bad %-escape.
LogBinaryCommand parse_binary_uri(std::string_view uri);

class LogBinary {
 public:
  static constexpr std::chrono::seconds kStopGrace{12};   // containerd's binaryIOProcTermTimeout
  static constexpr std::chrono::seconds kReadyTimeout{60};

  // Starts the program and waits until it is ready; throws runz::Error (program missing, not ready, exited).
  LogBinary(std::string_view uri, std::string_view container_id, std::string_view ns,
            std::chrono::milliseconds stop_grace = kStopGrace);
  ~LogBinary();  // stop()
  LogBinary(const LogBinary&) = delete;
  LogBinary& operator=(const LogBinary&) = delete;

  // The write ends for the process's stdout and stderr (each once; later calls return an invalid fd).
  UniqueFd take_stdout() { return std::move(stdout_w_); }
  UniqueFd take_stderr() { return std::move(stderr_w_); }
  pid_t pid() const { return pid_; }
  // SIGTERM, wait up to kStopGrace, SIGKILL; reaps. Idempotent.
  void stop() noexcept;

 private:
  std::chrono::milliseconds stop_grace_;
  pid_t pid_ = -1;
  UniqueFd stdout_w_, stderr_w_;
};

}  // namespace runz::shim
