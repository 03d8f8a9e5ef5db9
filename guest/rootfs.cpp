#include "guest/rootfs.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runz::guest {

void make_mounts_private() {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) throw_errno("make / rprivate");
}

void switch_root(const std::filesystem::path& rootfs) {
  if (::chdir(rootfs.c_str()) != 0) throw_errno("chdir " + runz::quoted(rootfs.string()));
  if (::mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) throw_errno("move rootfs onto /");
  if (::chroot(".") != 0) throw_errno("chroot");
  if (::chdir("/") != 0) throw_errno("chdir /");
}

void join_container(int pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  UniqueFd root(::open((proc + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open " + runz::quoted(proc + "/root"));
  struct Ns {
    const char* name;
    int type;
  };
  for (const Ns ns : {Ns{"cgroup", CLONE_NEWCGROUP}, Ns{"uts", CLONE_NEWUTS}, Ns{"ipc", CLONE_NEWIPC},
                      Ns{"mnt", CLONE_NEWNS}}) {
    const std::string path = proc + "/ns/" + ns.name;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + runz::quoted(path));
    // Joining the namespace we are already in is harmless; for mnt it also resets root and cwd.
    if (::setns(fd.get(), ns.type) != 0) throw_errno("setns " + runz::quoted(path));
  }
  if (::fchdir(root.get()) != 0) throw_errno("fchdir container root");
  if (::chroot(".") != 0) throw_errno("chroot container root");
  if (::chdir("/") != 0) throw_errno("chdir /");
}

}  // namespace runz::guest
