// What a process is doing, read from /proc, for the agent's LOG when a process has not reached exec long
// after START/EXEC (e.g. an execve blocked on the 9p rootfs). Diagnostics only: never throws.
#pragma once

#include <string>
#include <sys/types.h>

namespace runz::guest {

// "state D wchan p9_client_rpc; stack: [<0>] ... | [<0>] ..." from /proc/<pid>/{stat,wchan,stack};
// parts that cannot be read are left out. `proc` is the procfs root (a test passes its own directory).
std::string describe_stalled_process(pid_t pid, const std::string& proc = "/proc");

}  // namespace runz::guest
