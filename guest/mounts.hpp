// The container's filesystem view, built inside its own mount namespace beneath the rootfs mount point:
// OCI mounts (proc, sysfs, tmpfs, devpts, mqueue, cgroup, and 9p-exported binds), maskedPaths and
// readonlyPaths. Every destination is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT), so a symlink in
// the image cannot point a mount outside it; the mount itself targets /proc/self/fd/N of that resolution.
#pragma once

#include "agent-proto/messages.hpp"
#include "common/fd.hpp"
#include "common/in_root.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace runz::guest {

// Where 9pfs tags come from. In a zone, a tag is mounted with the 9p filesystem over the Xen transport. In
// the test transport (no Xen), `tag_dirs` maps tags to host directories, which are bind-mounted instead.
struct TagSource {
  std::map<std::string, std::filesystem::path> tag_dirs;

  // Mounts `tag` at `target` (an existing directory).
  void mount_tag(const std::string& tag, const std::filesystem::path& target) const;
};

// mount(2) data for the root and bind exports: 9P2000.L over the Xen 9pfs transport (net/9p/trans_xen.c),
// no client cache so the host's view stays authoritative.
inline constexpr const char* k9pMountData = "trans=xen,version=9p2000.L,cache=none";

// "/proc/self/fd/N": a path naming an O_PATH descriptor, for mount(2) targets.
std::string fd_path(int fd);

// Mounts every entry of `mounts` beneath `rootfs` in order. `staging` is a private directory (per container)
// where 9p exports are mounted before being bound into place. Throws runz::Error naming the destination.
void mount_all(const std::filesystem::path& rootfs, const std::vector<agent_proto::ZoneMount>& mounts,
               const std::filesystem::path& staging, const TagSource& tags);

// maskedPaths: /dev/null bound over files, an empty read-only tmpfs over directories; missing paths skipped.
void mask_paths(const std::filesystem::path& rootfs, const std::vector<std::string>& paths);
// readonlyPaths: bound onto themselves and remounted read-only; missing paths skipped.
void readonly_paths(const std::filesystem::path& rootfs, const std::vector<std::string>& paths);
// Makes an existing mount point read-only, keeping its nosuid/nodev/noexec flags.
void remount_readonly(const std::string& target);

}  // namespace runz::guest
