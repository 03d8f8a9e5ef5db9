// Runs the `runz` CLI the way containerd's runc shim runs runc: `runz --root <root> --log <file>
// --log-format json <verb> ...`, one short-lived child per call. Nothing here interprets results beyond
// "exit status 0 or not": a failure becomes RuntimeCommandError carrying what runz's error line in that log
// said — its message and its machine-readable kind ({"kind":"not_found",...}), so the gRPC code is chosen
// from the kind (grpc_errors.cpp), never from the English. Every call gets a JSON log: the caller's file
// (`create` and `exec`, whose stdio belongs to the container, log to <bundle>/log.json), else a private
// temporary one. Only lines appended during the call are read. Without an error line there (a runz that
// crashed), the message is the last line of stderr and the kind Unknown.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::shim {

struct RuntimeConfig {
  std::filesystem::path binary;  // the runz CLI
  std::filesystem::path root;    // its --root: /run/containerd/runz/<namespace>
  bool debug = false;
};

// What runz's last error line said.
struct RuntimeFailure {
  std::string message;                     // "" when there was no error line
  ErrorKind kind = ErrorKind::Unknown;     // its "kind"; Unknown when absent or not a name we know
  int errno_value = 0;                     // its "errno", or 0
};

// `runz` exited non-zero. runtime_message() is runz's own text, what() adds the verb; kind() and code() are
// runz's (the kind and errno of its error line).
class RuntimeCommandError : public Error {
 public:
  RuntimeCommandError(std::string verb, int exit_status, RuntimeFailure failure);
  const std::string& verb() const noexcept { return verb_; }
  int exit_status() const noexcept { return exit_status_; }
  const std::string& runtime_message() const noexcept { return runtime_message_; }

 private:
  std::string verb_;
  int exit_status_;
  std::string runtime_message_;
};

// The runtime binary could not be executed at all (missing, not executable): FailedPrecondition, as the
// host is not set up to run tasks.
class RuntimeMissingError : public Error {
 public:
  RuntimeMissingError(const std::string& message, int errno_value)
      : Error(message, ErrorKind::FailedPrecondition, errno_value) {}
};

struct RunOptions {
  // The child's stdio. Unset: stdin /dev/null, stdout and stderr captured into the result.
  std::optional<int> stdin_fd, stdout_fd, stderr_fd;
  std::optional<std::string> stdin_data;  // written to a pipe on the child's stdin (exclusive with stdin_fd)
  // passed as --log FILE --log-format json; unset: a private temporary file for this call
  std::optional<std::filesystem::path> log_file;
};

struct RunResult {
  std::string out;  // captured stdout (when captured)
  std::string err;  // captured stderr (when captured)
};

// Full argv (argv[0] is the binary) for `args` under `config`: global flags first, as runc expects.
std::vector<std::string> runtime_argv(const RuntimeConfig& config, const std::vector<std::string>& args,
                                      const std::optional<std::filesystem::path>& log_file);

// Runs the runtime and waits for it. Throws RuntimeCommandError on a non-zero exit, RuntimeMissingError if
// it cannot be executed, runz::Error on fork/pipe failures.
RunResult run_runtime(const RuntimeConfig& config, const std::vector<std::string>& args, const RunOptions& options = {});

// The last "error"-level line of a runc-style JSON log file ({"level":"error","msg":...,"kind":...}) at or
// after byte `from`; an empty message if none.
RuntimeFailure last_error_in_json_log(const std::filesystem::path& file, std::uintmax_t from = 0);

}  // namespace runz::shim
