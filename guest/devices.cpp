#include "guest/devices.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"
#include "guest/mounts.hpp"

#include <array>
#include <fcntl.h>
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

}  // namespace

void create_devices(const std::filesystem::path& rootfs, bool default_devices, const std::vector<spec::Device>& devices) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(rootfs.string()));
  if (default_devices) {
    const UniqueFd dev = ensure_in_root(root.get(), "/dev", false);
    UniqueFd dir(::openat(dev.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open /dev");
    for (const auto& d : kDefaultDevices)
      make_node(dir.get(), d.name, S_IFCHR, d.major, d.minor, 0666, std::string("/dev/") + d.name);
    for (const auto& link : kLinks) {
      if (::symlinkat(link.target, dir.get(), link.name) != 0 && errno != EEXIST)
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
