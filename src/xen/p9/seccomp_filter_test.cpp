// The filter loads, allowed calls still work, a refused call fails with EPERM (in a child process, since a
// filter cannot be unloaded).
#include "xen/p9/seccomp_filter.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <thread>

namespace {
// Forks; the child loads the filter and returns `body()`'s bit mask of failed checks as its exit status.
int in_filtered_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      runz::p9::load_backend_seccomp();
    } catch (...) {
      ::_exit(100);
    }
    ::_exit(body());  // no exit-time work: it would not be allowed
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

bool refused(long rc, int err) { return rc == -1 && errno == err; }
}  // namespace

TEST_CASE("seccomp filter: allowed calls work, others fail with EPERM") {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 0;
    try {
      runz::p9::load_backend_seccomp();
    } catch (...) {
      ::_exit(10);
    }
    const int fd = ::openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) code |= 1;
    ::close(fd);
    errno = 0;
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s != -1 || errno != EPERM) code |= 2;
    errno = 0;
    if (::chdir("/") != -1 || errno != EPERM) code |= 4;
    ::_exit(code);  // no exit-time work: it would not be allowed
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("seccomp filter: threads but no processes or namespaces; clone3 is ENOSYS") {
  CHECK(in_filtered_child([] {
          int code = 0;
          try {
            std::thread t([] {});  // glibc: clone3 (ENOSYS), then clone with CLONE_THREAD | CLONE_VM
            t.join();
          } catch (...) {
            code |= 1;
          }
          long pid = ::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
          if (pid == 0) ::_exit(0);
          if (!refused(pid, EPERM)) code |= 2;
          pid = ::syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
          if (pid == 0) ::_exit(0);
          if (!refused(pid, EPERM)) code |= 4;
          struct clone_args args {};
          args.exit_signal = SIGCHLD;
          pid = ::syscall(SYS_clone3, &args, sizeof args);
          if (pid == 0) ::_exit(0);
          if (!refused(pid, ENOSYS)) code |= 8;
          if (!refused(::unshare(CLONE_NEWUSER), EPERM)) code |= 16;
          return code;
        }) == 0);
}

TEST_CASE("seccomp filter: ioctl only with the Xen requests, no PROT_EXEC, tgkill only to ourselves") {
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  REQUIRE(null_fd >= 0);
  CHECK(in_filtered_child([null_fd] {
          int code = 0;
          // an allowed request reaches the driver, which does not know it
          for (unsigned long request : runz::p9::backend_ioctl_requests()) {
            if (!refused(::ioctl(null_fd, request, nullptr), ENOTTY)) code |= 1;
          }
          if (!refused(::ioctl(null_fd, 0x12345678UL, nullptr), EPERM)) code |= 2;
          if (!refused(::ioctl(null_fd, FIONREAD, nullptr), EPERM)) code |= 4;
          void* p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
          if (p == MAP_FAILED) code |= 8;
          void* x = ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
          if (x != MAP_FAILED) code |= 16;
          if (p != MAP_FAILED && !refused(::mprotect(p, 4096, PROT_READ | PROT_EXEC), EPERM)) code |= 32;
          if (p != MAP_FAILED && ::mprotect(p, 4096, PROT_READ) != 0) code |= 64;
          if (::tgkill(::getpid(), ::gettid(), 0) != 0) code |= 128;
          if (!refused(::tgkill(1, 1, 0), EPERM)) code |= 128;
          return code;
        }) == 0);
  ::close(null_fd);
}
