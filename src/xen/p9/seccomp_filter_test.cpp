// The filter loads, allowed calls still work, a refused call fails with EPERM (in a child process, since a
// filter cannot be unloaded).
#include "xen/p9/seccomp_filter.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

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
