#include "xen/p9/confine.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "xen/p9/node_ops.hpp"

namespace runz::p9 {

namespace {

// Where the empty root is mounted before pivoting into it: a directory every dom0 has (the backend needs
// procfs anyway). Only this process's mount namespace sees the mount.
constexpr const char* kNewRootMountPoint = "/proc";

std::string read_text(const char* path) {
  std::ifstream in(path);
  if (!in) throw_errno("read " + quoted(path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void require_single_thread() {
  const std::string threads = status_field(read_text("/proc/self/status"), "Threads");
  if (threads != "1") {
    throw Error("confine: the process has " + quoted(threads) + " threads; namespaces and capabilities are per "
                "thread, so confine before any thread starts", EINVAL);
  }
}

// A procfs instance of our own, mounted nowhere: only our /proc/<pid>/fd is taken from it.
UniqueFd private_proc_fd_dir() {
  UniqueFd fs(::fsopen("proc", FSOPEN_CLOEXEC));
  if (!fs) throw_errno("fsopen proc");
  if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "subset", "pid", 0) != 0) throw_errno("procfs option subset=pid");
  if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "hidepid", "invisible", 0) != 0)
    throw_errno("procfs option hidepid=invisible");
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) throw_errno("create procfs");
  UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC,
                         MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  if (!mnt) throw_errno("fsmount procfs");
  const std::string fd_dir = std::to_string(::getpid()) + "/fd";
  UniqueFd dir(::openat(mnt.get(), fd_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw_errno("open private procfs " + quoted(fd_dir));
  return dir;
}

// A new mount namespace whose root is an empty read-only tmpfs.
RootSwitch switch_to_empty_root() {
  if (::unshare(CLONE_NEWNS) != 0) throw_errno("unshare CLONE_NEWNS");
  // Nothing we do below propagates back to dom0's namespace. A root that is not a mount of its own (a
  // chroot into a directory) cannot be named for that: then at least the mount the new root goes on.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    if (errno != EINVAL || ::mount(nullptr, kNewRootMountPoint, nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      throw_errno("make mounts private");
  }
  if (::mount("runz-p9-root", kNewRootMountPoint, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0555,size=4k") != 0) {
    throw_errno("mount the empty root on " + quoted(kNewRootMountPoint));
  }
  if (::chdir(kNewRootMountPoint) != 0) throw_errno("chdir " + quoted(kNewRootMountPoint));
  RootSwitch how = RootSwitch::kPivot;
  // pivot_root(".", "."): the old root ends up stacked on the new one and is detached right away.
  if (::syscall(SYS_pivot_root, ".", ".") == 0) {
    if (::umount2(".", MNT_DETACH) != 0) throw_errno("detach the old root");
  } else if (errno == EINVAL) {
    // The old root cannot be pivoted away from (dom0 running on its initramfs). chroot instead: dom0's tree
    // stays in this namespace but no name reaches it, and without CAP_SYS_CHROOT there is no way back.
    if (::chroot(".") != 0) throw_errno("chroot into the empty root");
    how = RootSwitch::kChroot;
  } else {
    throw_errno("pivot_root into the empty root");
  }
  if (::chdir("/") != 0) throw_errno("chdir /");
  return how;
}

// Capabilities cut to kBackendCapabilities, and the user switched to `user` on the way: the bounding set is
// cut while CAP_SETPCAP is still effective, the groups and ids changed while CAP_SETGID/CAP_SETUID are, with
// the permitted set kept across setresuid (PR_SET_KEEPCAPS), and the three made effective again last.
void drop_capabilities(BackendUser user) {
  const uint64_t keep = capability_mask(kBackendCapabilities);
  for (int cap = 0; cap < 64; ++cap) {
    if ((keep & (uint64_t{1} << cap)) != 0) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;  // past the kernel's last capability
      throw_errno("drop capability " + std::to_string(cap) + " from the bounding set");
    }
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) throw_errno("clear the ambient set");
  if (user.uid == 0 || user.gid == 0) throw Error("confine: the backend may not run on as root", EINVAL);
  if (::setgroups(0, nullptr) != 0) throw_errno("drop the supplementary groups");
  if (::setresgid(user.gid, user.gid, user.gid) != 0) throw_errno("setresgid " + std::to_string(user.gid));
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw_errno("PR_SET_KEEPCAPS");
  if (::setresuid(user.uid, user.uid, user.uid) != 0) throw_errno("setresuid " + std::to_string(user.uid));
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw_errno("PR_SET_KEEPCAPS off");
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  data[0].effective = data[0].permitted = static_cast<uint32_t>(keep);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(keep >> 32);
  if (::syscall(SYS_capset, &header, data) != 0) throw_errno("capset");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw_errno("PR_SET_NO_NEW_PRIVS");
  // Not dumpable: no core file, and /proc/<pid> of this process is off limits to every process that lacks
  // CAP_SYS_PTRACE (the other backends included). Set after the id change, which resets it.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) throw_errno("PR_SET_DUMPABLE");
}

}  // namespace

uint64_t capability_mask(std::span<const int> caps) noexcept {
  uint64_t mask = 0;
  for (int cap : caps) {
    if (cap >= 0 && cap < 64) mask |= uint64_t{1} << cap;
  }
  return mask;
}

std::string status_field(std::string_view status_text, std::string_view name) {
  size_t pos = 0;
  while (pos < status_text.size()) {
    size_t end = status_text.find('\n', pos);
    if (end == std::string_view::npos) end = status_text.size();
    std::string_view line = status_text.substr(pos, end - pos);
    if (line.size() > name.size() && line.substr(0, name.size()) == name && line[name.size()] == ':') {
      line.remove_prefix(name.size() + 1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      return std::string(line);
    }
    pos = end + 1;
  }
  return "";
}

UniqueFd clone_export_tree(const std::string& host_path, bool directory, bool read_only) {
  const unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (directory ? AT_RECURSIVE : AT_SYMLINK_NOFOLLOW);
  UniqueFd tree(::open_tree(AT_FDCWD, host_path.c_str(), flags));
  if (!tree) throw_errno("open_tree clone of " + quoted(host_path));
  struct stat st {};
  if (::fstat(tree.get(), &st) != 0) throw_errno("fstat " + quoted(host_path));
  if (directory && !S_ISDIR(st.st_mode)) throw Error("export " + quoted(host_path) + " is not a directory", ENOTDIR);
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | (read_only ? MOUNT_ATTR_RDONLY : 0);
  if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH | (directory ? AT_RECURSIVE : 0), &attr, sizeof attr) != 0)
    throw_errno("mount_setattr on the clone of " + quoted(host_path));
  return tree;
}

RootSwitch confine_process(BackendUser user) {
  require_single_thread();
  UniqueFd proc_fd_dir = private_proc_fd_dir();
  const RootSwitch how = switch_to_empty_root();
  drop_capabilities(user);
  use_proc_fd_dir(std::move(proc_fd_dir));
  return how;
}

}  // namespace runz::p9
