// Runs the `runz` CLI the way containerd's runc shim runs runc: `runz --root <root> <verb> ...`, one
// short-lived child per call. Nothing here interprets results beyond "exit status 0 or not": a failure
// becomes RuntimeCommandError carrying runz's own one-line message (what runz printed on stderr, or for
// `create`, whose stdio belongs to the container, the last error of its --log json file).
#pragma once

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

// `runz` exited non-zero (or could not be run). message() is runz's own text, what() adds the verb.
class RuntimeCommandError : public Error {
 public:
  RuntimeCommandError(std::string verb, int exit_status, std::string runtime_message);
  const std::string& verb() const noexcept { return verb_; }
  int exit_status() const noexcept { return exit_status_; }
  const std::string& runtime_message() const noexcept { return runtime_message_; }

 private:
  std::string verb_;
  int exit_status_;
  std::string runtime_message_;
};

// The runtime binary could not be executed at all (missing, not executable).
class RuntimeMissingError : public Error {
 public:
  using Error::Error;
};

struct RunOptions {
  // The child's stdio. Unset: stdin /dev/null, stdout and stderr captured into the result.
  std::optional<int> stdin_fd, stdout_fd, stderr_fd;
  std::optional<std::string> stdin_data;  // written to a pipe on the child's stdin (exclusive with stdin_fd)
  std::optional<std::filesystem::path> log_file;  // passed as --log FILE --log-format json
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

// The message of the last "error"-level line of a runc-style JSON log file ({"level":"error","msg":...}),
// or "" if none.
std::string last_error_in_json_log(const std::filesystem::path& file);

}  // namespace runz::shim
