// SIGNAL: to one process, or with all=true to every process of the container, found as the processes that
// share the container's mount namespace (the zone's /proc, compared by namespace inode).
#pragma once

#include <optional>
#include <sys/types.h>

namespace runz::guest {

// The identity (inode) of a process's mount namespace, or nullopt if it is gone.
std::optional<ino_t> mount_namespace_of(pid_t pid);

// kill(2); throws runz::Error (ESRCH included).
void signal_process(pid_t pid, int signal);
// Signals every process in mount namespace `ns`; returns how many were signalled.
int signal_namespace(ino_t ns, int signal);

}  // namespace runz::guest
