// Test helper for task_service_test (test code only): stands in for runz's monitor of a terminal task.
// `test-tty-monitor SOCKET`: sends a pty master over SOCKET (runc's console-socket protocol), then serves
// lines typed on the terminal: "size" prints the window size as "size=ROWSxCOLS", "exit N" exits N, anything
// else is printed back as "got=LINE".
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "runtime/unix_socket.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return 2;
  int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return 2;
  termios tio{};
  ::tcgetattr(slave, &tio);
  tio.c_lflag &= ~static_cast<tcflag_t>(ECHO);  // the replies alone, not the typed lines
  ::tcsetattr(slave, TCSANOW, &tio);
  {
    auto conn = runz::runtime::connect_unix(argv[1]);
    runz::runtime::send_with_fds(conn.get(), "/dev/ptmx", {master});
  }
  ::close(master);
  FILE* in = ::fdopen(slave, "r");
  char line[256];
  while (std::fgets(line, sizeof line, in) != nullptr) {
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    std::string reply;
    if (l == "size") {
      winsize ws{};
      ::ioctl(slave, TIOCGWINSZ, &ws);
      reply = "size=" + std::to_string(ws.ws_row) + "x" + std::to_string(ws.ws_col) + "\n";
    } else if (l.rfind("exit ", 0) == 0) {
      return std::atoi(l.c_str() + 5);
    } else {
      reply = "got=" + l + "\n";
    }
    (void)!::write(slave, reply.data(), reply.size());
  }
  return 0;
}
