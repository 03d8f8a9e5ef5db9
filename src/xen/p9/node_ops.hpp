// Operations on an O_PATH descriptor that Linux only offers by path (reopen for I/O, chmod, utimens).
// They go through this process's /proc/self/fd/N entry, which names exactly the inode the descriptor
// holds: no guest-controlled name is resolved, so a rename race cannot substitute another file.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include "common/fd.hpp"

namespace runz::p9 {

// Opens /proc/self/fd for this process now (call before loading seccomp; re-opened after a fork).
void prime_proc_fd_dir();
// Uses `fd_dir` (an O_PATH descriptor of this process's /proc/<pid>/fd, from a procfs instance of its own:
// confine.hpp) from now on instead of opening /proc/self/fd.
void use_proc_fd_dir(UniqueFd fd_dir);
// The descriptor the operations below resolve through (opened now if need be). Throws OpError.
int proc_fd_dir();

// A new open file description for the inode `opath_fd` refers to. Throws OpError.
UniqueFd reopen_node(int opath_fd, int flags);
// chmod of the inode (never a symlink: callers check, symlinks have no mode). Throws OpError.
void chmod_node(int opath_fd, mode_t mode);
// utimensat of the inode (not for symlinks). Throws OpError.
void utimens_node(int opath_fd, const struct timespec times[2]);
// fstat of any descriptor, O_PATH included, without following a symlink. Throws OpError.
struct stat stat_node(int fd);

}  // namespace runz::p9
