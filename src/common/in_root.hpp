// Paths inside a container's rootfs, resolved as if it were "/" (openat2 RESOLVE_IN_ROOT, no magic links):
// a symlink in an image cannot lead outside it. Used in the zone to build the container's mounts, and on
// the host to make mount points in a rootfs that is exported read-only.
#pragma once

#include <string>

#include "common/fd.hpp"

namespace runz {

// Opens `path` (absolute, as the container sees it) inside `root_fd`, never leaving it; invalid on failure
// (errno set).
UniqueFd open_in_root(int root_fd, const std::string& path, int flags);
// Same, creating missing directories (0755) and, when `file` is true, an empty file as the last component.
// Returns an O_PATH descriptor; throws runz::Error naming the component that could not be made.
UniqueFd ensure_in_root(int root_fd, const std::string& path, bool file);

}  // namespace runz
