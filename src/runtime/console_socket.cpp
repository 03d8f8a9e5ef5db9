#include "runtime/console_socket.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "runtime/unix_socket.hpp"

namespace runz::runtime {
namespace {

UniqueFd dup_fd(int fd) {
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  return copy;  // invalid when `fd` is not open: the zone then gets /dev/null semantics
}

}  // namespace

ZoneStdio console_stdio(const std::filesystem::path& socket) {
  return with_context("console socket " + runz::quoted(socket.string()), [&] {
    UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) throw_errno("posix_openpt");
    if (::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0) throw_errno("unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw_errno("ptsname");
    UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) throw_errno("open " + runz::quoted(name));
    // The process's real terminal is the pty inside the zone (echo, line editing, \n -> \r\n happen there);
    // this host pty only carries bytes and the window size, so its line discipline must pass them untouched.
    termios tio{};
    if (::tcgetattr(slave.get(), &tio) != 0) throw_errno("tcgetattr " + runz::quoted(name));
    ::cfmakeraw(&tio);
    if (::tcsetattr(slave.get(), TCSANOW, &tio) != 0) throw_errno("tcsetattr " + runz::quoted(name));
    UniqueFd connection = connect_unix(socket);
    send_with_fds(connection.get(), "/dev/ptmx", {master.get()});
    ZoneStdio stdio;
    stdio.in = dup_fd(slave.get());
    stdio.out = dup_fd(slave.get());
    stdio.err = std::move(slave);
    return stdio;
  });
}

ZoneStdio inherited_stdio() {
  ZoneStdio stdio;
  stdio.in = dup_fd(STDIN_FILENO);
  stdio.out = dup_fd(STDOUT_FILENO);
  stdio.err = dup_fd(STDERR_FILENO);
  return stdio;
}

}  // namespace runz::runtime
