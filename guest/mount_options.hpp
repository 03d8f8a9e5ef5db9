// OCI mount options ("ro", "nosuid", "rbind", "rprivate", "mode=755"...) translated to mount(2) arguments.
// Pure: no system calls, unit-tested in mount_options_test.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

struct MountOptions {
  unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, atime flags, MS_SYNCHRONOUS...
  unsigned long clear_flags = 0;  // flags an option turned off explicitly ("rw", "suid", "dev", "exec"...)
  unsigned long propagation = 0;  // one of MS_PRIVATE/MS_SHARED/MS_SLAVE/MS_UNBINDABLE, with MS_REC for r*
  bool bind = false;              // "bind" or "rbind"
  bool recursive = false;         // "rbind"
  std::string data;               // everything mount(2) does not know as a flag: "mode=755,size=64k"

  bool readonly() const noexcept;
};

// Translates options in order (later ones win). Unknown "key" or "key=value" options go to `data`, as
// the filesystem may know them. Recursive attribute options ("rro", "rnosuid"...) are applied like their
// plain form to the bind mount and its remount (recursive mount_setattr is future work).
MountOptions parse_mount_options(const std::vector<std::string>& options);

// Flags a bind mount needs on its MS_REMOUNT|MS_BIND pass (the per-mount-point flags), or 0 when none.
unsigned long bind_remount_flags(const MountOptions& options) noexcept;

}  // namespace runz::guest
