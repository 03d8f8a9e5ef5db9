// The container's root: its own mount namespace, the rootfs 9p export (or, in the test transport, a host
// directory) mounted at a per-container staging directory, then moved onto "/" and chrooted into. The zone's
// own root is an initramfs, where pivot_root(2) is refused, hence mount(MS_MOVE) + chroot as switch_root
// does; the old root stays reachable only to a process that may chroot (CAP_SYS_CHROOT) and escape a chroot.
// EXEC processes join an existing container: its namespaces via setns(2) and its root via /proc/<pid>/root.
#pragma once

#include <filesystem>
#include <string>

namespace runz::guest {

// In the calling process (already in a fresh mount namespace): makes every mount private so nothing
// propagates back to the zone.
void make_mounts_private();

// Moves the mount at `rootfs` onto "/" and chroots into it; the cwd becomes the new "/".
void switch_root(const std::filesystem::path& rootfs);

// Joins the namespaces (mount, uts, ipc) and root of process `pid`.
void join_container(int pid);

}  // namespace runz::guest
