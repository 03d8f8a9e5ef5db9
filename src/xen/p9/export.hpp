// One 9P export: the host directory (or single host file) a device serves, and the only way the server
// turns guest path components into host file descriptors.
//
// Confinement. Every lookup is one openat2(2) call relative to the export root's O_PATH fd with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS and O_PATH | O_NOFOLLOW:
//  - the path is built from components the server already validated (no "/", ".", ".."; ".." is applied
//    lexically by the fid layer and stops at the root), and RESOLVE_BENEATH refuses anything that would
//    still leave the root (EXDEV);
//  - no symlink is ever followed on the host (ELOOP); the guest kernel resolves its own symlinks with
//    Treadlink + Twalk, so an absolute or escaping link can only point inside the guest's view;
//  - /proc-style magic links are refused;
//  - mount points beneath the root ARE crossed (no RESOLVE_NO_XDEV): a bundle rootfs may legitimately
//    contain mounts. qids mix the device number in so inode numbers from two filesystems do not collide.
// A single-file export is a synthetic read-only directory that holds exactly one entry, `file_name()`,
// which is the host file opened at set-up (used for file bind mounts such as /etc/hosts).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/fd.hpp"

namespace runz::p9 {

// A path beneath the export root as validated components; empty = the root itself.
using RelPath = std::vector<std::string>;

class Export {
 public:
  // Serves the host directory `host_dir`. Throws runz::Error.
  static Export open_directory(const std::string& host_dir, bool read_only);
  // Serves a synthetic directory holding only `guest_name`, which is the regular file `host_file`.
  static Export open_single_file(const std::string& host_file, const std::string& guest_name, bool read_only);
  // The same on a root the caller opened (an O_PATH directory, or an O_PATH regular file), e.g. a detached
  // mount clone (confine.hpp); `what` names it in errors. Throws runz::Error.
  static Export adopt_directory(UniqueFd root, const std::string& what, bool read_only);
  static Export adopt_single_file(UniqueFd file, const std::string& what, const std::string& guest_name,
                                  bool read_only);

  bool read_only() const noexcept { return read_only_; }
  bool single_file() const noexcept { return single_file_; }
  // The one entry of a single-file export.
  const std::string& file_name() const noexcept { return file_name_; }
  // The device of the export root (of the file, for a single-file export).
  dev_t root_dev() const noexcept { return root_dev_; }

  // An O_PATH | O_NOFOLLOW descriptor for `path`, resolved under the confinement rules above. For a
  // single-file export only {file_name()} resolves (the synthetic root has no descriptor). Throws OpError.
  UniqueFd lookup(const RelPath& path) const;

 private:
  Export() = default;
  UniqueFd root_;  // O_PATH directory, or O_PATH of the single file
  bool read_only_ = false;
  bool single_file_ = false;
  std::string file_name_;
  dev_t root_dev_ = 0;
};

// Joins components with "/" ("." for the root).
std::string join_path(const RelPath& path);

// openat2(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW, mode) with the confinement resolve flags.
// Returns -1 with errno set on failure.
int openat_beneath(int dirfd, const char* path, int flags, unsigned mode);

}  // namespace runz::p9
