#include "guest/mounts.hpp"

#include "common/error.hpp"
#include "guest/mount_options.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace runz::guest {

namespace {

void do_mount(const char* source, const std::string& target, const char* type, unsigned long flags,
              const std::string& data, const std::string& what) {
  if (::mount(source, target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) != 0) throw_errno(what);
}

unsigned long preserved_flags(const std::string& target) {
  struct statvfs st {};
  if (::statvfs(target.c_str(), &st) != 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_RDONLY) flags |= MS_RDONLY;
  return flags;
}

std::string kernel_type(const std::string& type) {
  if (type == "cgroup") return "cgroup2";  // zones run a unified hierarchy only
  return type;
}

bool is_directory_path(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

void TagSource::mount_tag(const std::string& tag, const std::filesystem::path& target) const {
  if (auto it = tag_dirs.find(tag); it != tag_dirs.end()) {
    do_mount(it->second.c_str(), target, nullptr, MS_BIND | MS_REC, "",
             "bind " + runz::quoted(it->second.string()) + " for tag " + runz::quoted(tag));
    return;
  }
  do_mount(tag.c_str(), target, "9p", MS_NOSUID | MS_NODEV, k9pMountData, "mount 9p tag " + runz::quoted(tag));
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

void mount_all(const std::filesystem::path& rootfs, const std::vector<agent_proto::ZoneMount>& mounts,
               const std::filesystem::path& staging, const TagSource& tags) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(rootfs.string()));
  size_t export_index = 0;
  for (const auto& m : mounts) {
    with_context("mount " + runz::quoted(m.destination), [&] {
      const MountOptions options = parse_mount_options(m.options);
      std::filesystem::path bind_source;
      if (m.type == "9p") {
        const auto export_dir = staging / ("export" + std::to_string(export_index++));
        std::filesystem::create_directories(export_dir);
        tags.mount_tag(m.tag, export_dir);
        bind_source = m.file.empty() ? export_dir : export_dir / m.file;
      } else if (options.bind || m.type == "bind") {
        bind_source = m.source;  // a path in the zone itself
      }

      if (!bind_source.empty()) {
        const bool file = !is_directory_path(bind_source);
        const UniqueFd target = ensure_in_root(root.get(), m.destination, file);
        const std::string target_path = fd_path(target.get());
        unsigned long flags = MS_BIND;
        if (options.recursive || m.type == "9p") flags |= MS_REC;
        do_mount(bind_source.c_str(), target_path, nullptr, flags, "", "bind " + runz::quoted(bind_source.string()));
        if (const unsigned long remount = bind_remount_flags(options)) {
          // The remount must name the new mount, not the directory that was under it.
          const UniqueFd mounted = open_in_root(root.get(), m.destination, O_PATH);
          if (!mounted) throw_errno("reopen after bind");
          const std::string mounted_path = fd_path(mounted.get());
          do_mount(nullptr, mounted_path, nullptr, MS_BIND | MS_REMOUNT | remount | preserved_flags(mounted_path), "",
                   "remount bind");
        }
      } else {
        const UniqueFd target = ensure_in_root(root.get(), m.destination, false);
        const std::string type = kernel_type(m.type);
        const std::string source = m.source.empty() ? type : m.source;
        do_mount(source.c_str(), fd_path(target.get()), type.c_str(), options.flags & ~MS_REMOUNT, options.data,
                 "mount " + runz::quoted(type));
      }
      if (options.propagation != 0) {
        const UniqueFd mounted = open_in_root(root.get(), m.destination, O_PATH);
        if (!mounted) throw_errno("reopen for propagation");
        do_mount(nullptr, fd_path(mounted.get()), nullptr, options.propagation, "", "set propagation");
      }
    });
  }
}

void mask_paths(const std::filesystem::path& rootfs, const std::vector<std::string>& paths) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(rootfs.string()));
  for (const auto& path : paths) {
    const UniqueFd target = open_in_root(root.get(), path, O_PATH | O_NOFOLLOW);
    if (!target) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      throw_errno("mask " + runz::quoted(path));
    }
    struct stat st {};
    if (::fstat(target.get(), &st) != 0) throw_errno("stat " + runz::quoted(path));
    if (S_ISDIR(st.st_mode)) {
      do_mount("tmpfs", fd_path(target.get()), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0k",
               "mask directory " + runz::quoted(path));
    } else {
      do_mount("/dev/null", fd_path(target.get()), nullptr, MS_BIND, "", "mask file " + runz::quoted(path));
    }
  }
}

void readonly_paths(const std::filesystem::path& rootfs, const std::vector<std::string>& paths) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(rootfs.string()));
  for (const auto& path : paths) {
    const UniqueFd target = open_in_root(root.get(), path, O_PATH);
    if (!target) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      throw_errno("readonly " + runz::quoted(path));
    }
    const std::string target_path = fd_path(target.get());
    do_mount(target_path.c_str(), target_path, nullptr, MS_BIND | MS_REC, "", "bind " + runz::quoted(path) + " onto itself");
    const UniqueFd mounted = open_in_root(root.get(), path, O_PATH);
    if (!mounted) throw_errno("reopen " + runz::quoted(path));
    remount_readonly(fd_path(mounted.get()));
  }
}

void remount_readonly(const std::string& target) {
  do_mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | preserved_flags(target), "",
           "remount " + runz::quoted(target) + " read-only");
}

}  // namespace runz::guest
