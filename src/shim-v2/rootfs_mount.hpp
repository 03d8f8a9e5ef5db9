// The rootfs mounts containerd sends in CreateTaskRequest.rootfs (a snapshot: usually one overlay or bind
// mount), mounted by the shim onto <bundle>/rootfs before `runz create`, as containerd's runc shim does, and
// unmounted on Delete. fstab-style options are split into mount(2) flags and the filesystem's data string.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runz::shim {

struct MountSpec {
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct ParsedOptions {
  unsigned long flags = 0;            // MS_* for the mount itself
  unsigned long propagation = 0;      // MS_PRIVATE/MS_SLAVE/... applied in a second mount(2) call
  std::string data;                   // the rest, comma-joined, for the filesystem
};

ParsedOptions parse_mount_options(const std::vector<std::string>& options);

// Mounts each spec onto `target` in order (a bind mount when type is "bind" or the options say so). On
// failure, what was mounted is unmounted again and runz::Error is thrown naming the mount.
void mount_rootfs(const std::vector<MountSpec>& mounts, const std::filesystem::path& target);
// Unmounts everything stacked on `target` (MNT_DETACH, repeated until EINVAL); never throws.
void unmount_rootfs(const std::filesystem::path& target) noexcept;

}  // namespace runz::shim
