#include "guest/devices.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"
#include "guest/mounts.hpp"

#include <array>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace runz::guest {

namespace {

struct DefaultDevice {
  const char* name;
  unsigned major, minor;
};

constexpr std::array<DefaultDevice, 6> kDefaultDevices = {{
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}};

struct DevLink {
  const char* name;
  const char* target;
};

constexpr std::array<DevLink, 5> kLinks = {{
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
    {"ptmx", "pts/ptmx"},
}};

void make_node(int dir_fd, const std::string& name, mode_t type, unsigned major, unsigned minor, mode_t mode,
               const std::string& what) {
  if (::mknodat(dir_fd, name.c_str(), type | (mode & 07777), makedev(major, minor)) != 0) {
    if (errno == EEXIST) return;
    throw_errno("mknod " + runz::quoted(what));
  }
  if (::fchmodat(dir_fd, name.c_str(), mode & 07777, 0) != 0) throw_errno("chmod " + runz::quoted(what));
}

// `name` in `dir` becomes the zone's node `source` (a bind mount onto an empty file made for it, or onto what
// the rootfs has there). A symlink is left alone: a bind mount would follow it out of /dev.
void bind_zone_node(int dir, const char* name, const std::filesystem::path& source, const std::string& what) {
  struct stat st {};
  if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return;
  } else {
    const UniqueFd made(::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (!made && errno == EROFS) return;
    if (!made && errno != EEXIST) throw_errno("create " + runz::quoted(what) + " to bind the zone's node onto");
  }
  const UniqueFd target(::openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target) throw_errno("open " + runz::quoted(what));
  const std::string target_path = "/proc/self/fd/" + std::to_string(target.get());
  if (::mount(source.c_str(), target_path.c_str(), nullptr, MS_BIND, nullptr) != 0)
    throw_errno("bind " + runz::quoted(source.string()) + " onto " + runz::quoted(what));
}

}  // namespace

void create_devices(const std::filesystem::path& rootfs, bool dev_is_tmpfs, const std::vector<spec::Device>& devices,
                    const std::filesystem::path& zone_dev) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(rootfs.string()));
  {
    const UniqueFd dev = ensure_in_root(root.get(), "/dev", false);
    UniqueFd dir(::openat(dev.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open /dev");
    for (const auto& d : kDefaultDevices) {
      const std::string what = std::string("/dev/") + d.name;
      if (dev_is_tmpfs) {
        make_node(dir.get(), d.name, S_IFCHR, d.major, d.minor, 0666, what);
      } else {
        bind_zone_node(dir.get(), d.name, zone_dev / d.name, what);
      }
    }
    for (const auto& link : kLinks) {
      if (::symlinkat(link.target, dir.get(), link.name) != 0 && errno != EEXIST && (dev_is_tmpfs || errno != EROFS))
        throw_errno(std::string("symlink /dev/") + link.name);
    }
  }
  for (const auto& d : devices) {
    const std::filesystem::path path(d.path);
    const UniqueFd parent = ensure_in_root(root.get(), path.parent_path().string(), false);
    UniqueFd dir(::openat(parent.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open " + runz::quoted(path.parent_path().string()));
    mode_t type = S_IFCHR;
    if (d.type == "b") type = S_IFBLK;
    if (d.type == "p") type = S_IFIFO;
    const mode_t mode = d.file_mode.value_or(0666);
    const std::string name = path.filename().string();
    make_node(dir.get(), name, type, static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor), mode, d.path);
    if (d.uid || d.gid) {
      if (::fchownat(dir.get(), name.c_str(), d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW) != 0)
        throw_errno("chown " + runz::quoted(d.path));
    }
  }
}

}  // namespace runz::guest
