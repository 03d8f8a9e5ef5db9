#include "xen/p9/node_ops.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "xen/p9/op_error.hpp"

namespace runz::p9 {

namespace {
struct ProcFdDir {
  UniqueFd fd;
  pid_t pid = -1;
};

ProcFdDir& the_proc_fd_dir() {
  static ProcFdDir dir;
  return dir;
}
}  // namespace

int proc_fd_dir() {
  ProcFdDir& dir = the_proc_fd_dir();
  if (!dir.fd || dir.pid != ::getpid()) {
    dir.fd.reset(::open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir.fd) throw_op_errno();
    dir.pid = ::getpid();
  }
  return dir.fd.get();
}

void prime_proc_fd_dir() { (void)proc_fd_dir(); }

void use_proc_fd_dir(UniqueFd fd_dir) {
  ProcFdDir& dir = the_proc_fd_dir();
  dir.fd = std::move(fd_dir);
  dir.pid = ::getpid();
}

UniqueFd reopen_node(int opath_fd, int flags) {
  const std::string name = std::to_string(opath_fd);
  UniqueFd fd(::openat(proc_fd_dir(), name.c_str(), flags | O_CLOEXEC | O_NOCTTY));
  if (!fd) throw_op_errno();
  return fd;
}

void chmod_node(int opath_fd, mode_t mode) {
  const std::string name = std::to_string(opath_fd);
  if (::fchmodat(proc_fd_dir(), name.c_str(), mode, 0) != 0) throw_op_errno();
}

void utimens_node(int opath_fd, const struct timespec times[2]) {
  const std::string name = std::to_string(opath_fd);
  if (::utimensat(proc_fd_dir(), name.c_str(), times, 0) != 0) throw_op_errno();
}

struct stat stat_node(int fd) {
  struct stat st {};
  if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) throw_op_errno();
  return st;
}

}  // namespace runz::p9
