// Confinement of the 9pfs backend process: after set-up it holds only what it serves with, and no name
// reaches anything else on dom0.
//
// What the backend keeps:
//  - its exports, each a detached clone of the host mount tree at the export (open_tree OPEN_TREE_CLONE):
//    ".." at the clone's root stays there, so even a raw openat(export, "../..") cannot climb into dom0's
//    tree; read-only exports are read-only mounts; every clone is nosuid, nodev, noexec;
//  - the Xen descriptors opened before confining (xenstore, gntdev, evtchn) and its log (stderr);
//  - /proc/<pid>/fd of a procfs instance of its own (subset=pid, hidepid=invisible, detached: no name),
//    through which node_ops.hpp reopens O_PATH descriptors; /proc/sys, sysrq-trigger and every process it
//    may not ptrace are not in it;
//  - CAP_CHOWN, CAP_DAC_OVERRIDE and CAP_FOWNER (kBackendCapabilities) in every set; the bounding and
//    ambient sets hold no others, no_new_privs is set and the process is not dumpable;
//  - a user and group of its own (not root), no supplementary groups: what is left of uid 0's standing
//    (signalling, /proc, keyrings and per-user limits shared with dom0's root processes) goes with it, and
//    the three capabilities are what still lets it act on the export's files of any owner.
// Its root is an empty read-only tmpfs in a mount namespace of its own (pivot_root; chroot where the old
// root cannot be pivoted away from), so an absolute path names nothing of dom0's.
//
// Capabilities are set with capset(2) and prctl(2) directly: runz does not link libcap, and three masks do
// not warrant a new dependency.
#pragma once

#include <linux/capability.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <string>

#include "common/fd.hpp"

namespace runz::p9 {

// What the server needs on a writable export: chown of new entries to the zone's owners (CAP_CHOWN), reads,
// writes and lookups in files and directories of any owner (CAP_DAC_OVERRIDE), chmod/utimens of files of
// any owner (CAP_FOWNER). Not CAP_FSETID (set-id bits are stripped anyway: mode_policy.hpp) and not
// CAP_MKNOD (no device nodes).
inline constexpr int kBackendCapabilities[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER};

// The bit mask of `caps` (as in CapEff of /proc/<pid>/status).
uint64_t capability_mask(std::span<const int> caps) noexcept;

// The value of a "Name:" line of /proc/<pid>/status text, e.g. status_field(text, "CapEff"); "" if absent.
std::string status_field(std::string_view status_text, std::string_view name);

// A detached clone of the host mount tree at `host_path` (recursive for a directory; a file is cloned
// alone and must not be a symlink), nosuid, nodev, noexec, and read-only if `read_only`. Needs
// CAP_SYS_ADMIN. Throws runz::Error.
UniqueFd clone_export_tree(const std::string& host_path, bool directory, bool read_only);

// How the root was replaced: by pivot_root, or by chroot where pivot_root was refused (an initramfs root).
enum class RootSwitch { kPivot, kChroot };

// Who the confined process runs as; neither may be 0.
struct BackendUser {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// Confines the calling process as described above, running on as `user`. It must be single-threaded (namespaces and capability
// sets are per thread): call before anything starts a thread (libxenstore's watch reader). Installs the
// private procfs's fd directory with use_proc_fd_dir(). Throws runz::Error; a process whose confinement
// failed half way must exit.
RootSwitch confine_process(BackendUser user);

}  // namespace runz::p9
