// Network namespaces by file descriptor: open one named by a path (checked to be one), the calling thread's
// own, enter one, or unshare a new one.
#pragma once

#include <filesystem>

#include "common/fd.hpp"

namespace runz::net {

// Opens `path` (e.g. /var/run/netns/cni-…, /proc/<pid>/ns/net) and checks it is a network namespace. The
// error names the path: missing, or a namespace of another type, or not a namespace at all.
UniqueFd open_netns(const std::filesystem::path& path);
// The calling thread's network namespace.
UniqueFd current_netns();
// The calling thread (in a single-threaded process: the process) enters it / a new, empty one.
void enter_netns(int netns_fd);
void unshare_netns();

}  // namespace runz::net
