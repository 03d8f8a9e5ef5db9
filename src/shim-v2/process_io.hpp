// The stdio containerd hands a task: paths in CreateTaskRequest.stdin/stdout/stderr. containerd (cio) has
// already created the fifos and opened its own ends, so the shim opens the other ends and passes the fds
// straight to `runz create` as its stdio; the monitor relays them to the zone. No copy loop in the shim,
// except for a terminal (terminal.hpp).
//   ""                      not connected: /dev/null
//   "/path" (a fifo)        stdin O_RDONLY, stdout/stderr O_WRONLY
//   "file:///path"          a regular file, appended to (containerd's log-to-file URI)
//   "binary://..."          a logging binary: not supported yet (Unimplemented)
#pragma once

#include <string>
#include <string_view>

#include "common/fd.hpp"

namespace runz::shim {

struct TaskStdio {
  UniqueFd in, out, err;
};

// Throws RpcError(Unimplemented) for unsupported schemes, runz::Error naming the path otherwise.
UniqueFd open_stdin(std::string_view path);
UniqueFd open_output(std::string_view path);
TaskStdio open_stdio(std::string_view in, std::string_view out, std::string_view err);

}  // namespace runz::shim
