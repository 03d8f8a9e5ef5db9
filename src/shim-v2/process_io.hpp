// The stdio containerd hands a task: paths in CreateTaskRequest.stdin/stdout/stderr. containerd (cio) has
// already created the fifos and opened its own ends, so the shim opens the other ends and passes the fds
// straight to `runz create` as its stdio; the monitor relays them to the zone. No copy loop in the shim,
// except for a terminal (terminal.hpp).
//   ""                      not connected: /dev/null
//   "/path" (a fifo)        stdin O_RDONLY, stdout/stderr O_WRONLY
//   "file:///path"          a regular file, appended to (containerd's log-to-file URI)
//   "binary:///path?k=v"    in stdout: a logging program (log_binary.hpp) gets stdout and stderr
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/fd.hpp"
#include "shim-v2/log_binary.hpp"

namespace runz::shim {

struct TaskStdio {
  UniqueFd in, out, err;
  std::unique_ptr<LogBinary> logger;  // stdout was binary://: out and err are its pipes
};

// Whose stdio it is: a binary:// logger's CONTAINER_ID and CONTAINER_NAMESPACE.
struct StdioOwner {
  std::string_view id, ns;
};

// Throw runz::Error naming the path (binary:// where only stdout may name it, too).
UniqueFd open_stdin(std::string_view path);
UniqueFd open_output(std::string_view path);
// stdout's URI decides for stderr when it is binary://, as containerd's shims do.
TaskStdio open_stdio(std::string_view in, std::string_view out, std::string_view err, const StdioOwner& owner);

}  // namespace runz::shim
