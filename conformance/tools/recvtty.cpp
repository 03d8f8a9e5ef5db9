// runz-recvtty SOCKET STEP...: the receiving end of runc's `--console-socket` protocol, for the terminal
// tests in dom0. Listens on SOCKET, takes the pty master of one container, copies everything it outputs to
// stdout, and plays the steps in order meanwhile:
//   --size RxC      set the terminal's window size (TIOCSWINSZ on the master, as containerd and Docker do)
//   --send TEXT     type TEXT (\n and \t are unescaped)
//   --expect TEXT   wait (at most 120 s) until TEXT appears in the output after the last --send and after
//                   what the previous --expect matched (so `--send 'cmd\n' --expect out --expect '$ '` waits
//                   for the prompt that follows cmd's output); exit 1 if it never does
//   --sleep SECS    wait
// After the steps, copies output until the container closes its side. Exit 0, 1 (an --expect failed) or 2.
//
// runz-recvtty --spawn STEP... -- COMMAND [ARG...]: the same steps on a new pty whose other side is COMMAND's
// controlling terminal (what a user's terminal is to `ctr run -t`); prints "recvtty: command exited N" on
// stderr at the end.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "recvtty: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(2);
}

int listen_on(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    die(path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind " + path);
  if (::listen(fd, 1) != 0) die("listen");
  return fd;
}

int receive_master(int listener) {
  int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) die("accept");
  char data[256];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) <= 0) die("recvmsg");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
    errno = EPROTO;
    die("no fd in the console-socket message");
  }
  int master = -1;
  std::memcpy(&master, CMSG_DATA(c), sizeof master);
  ::close(conn);
  return master;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 't')) {
      out += s[++i] == 'n' ? '\n' : '\t';
    } else {
      out += s[i];
    }
  }
  return out;
}

// Output of the container so far, shared by the copying thread and the steps.
struct Output {
  std::mutex mutex;
  std::condition_variable changed;
  std::string text;
  bool closed = false;
};

void copy_output(int master, Output& out) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EIO once the last slave fd closed
    (void)!::write(STDOUT_FILENO, buf, static_cast<size_t>(n));
    std::lock_guard lock(out.mutex);
    out.text.append(buf, static_cast<size_t>(n));
    out.changed.notify_all();
  }
  std::lock_guard lock(out.mutex);
  out.closed = true;
  out.changed.notify_all();
}

// A pty whose slave is COMMAND's stdio and controlling terminal; returns the master, sets `child`.
int spawn_on_pty(char** command, pid_t& child) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) die("posix_openpt");
  const char* name = ::ptsname(master);
  if (name == nullptr) die("ptsname");
  const std::string slave_path = name;
  child = ::fork();
  if (child < 0) die("fork");
  if (child == 0) {
    ::setsid();
    int slave = ::open(slave_path.c_str(), O_RDWR);  // the first terminal a session leader opens: its ctty
    if (slave < 0 || ::ioctl(slave, TIOCSCTTY, 0) != 0) die("open " + slave_path);
    for (int fd = 0; fd < 3; ++fd) ::dup2(slave, fd);
    if (slave > 2) ::close(slave);
    ::execvp(command[0], command);
    die(std::string("exec ") + command[0]);
  }
  return master;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: runz-recvtty SOCKET [--size RxC|--send TEXT|--expect TEXT|--sleep SECS]...\n");
    return 2;
  }
  int master = -1, steps_end = argc;
  pid_t child = 0;
  if (std::string_view(argv[1]) == "--spawn") {
    for (int i = 2; i < argc; ++i)
      if (std::string_view(argv[i]) == "--") steps_end = i;
    if (steps_end + 1 >= argc) {
      std::fprintf(stderr, "recvtty: --spawn wants -- COMMAND\n");
      return 2;
    }
    master = spawn_on_pty(argv + steps_end + 1, child);
  } else {
    const int listener = listen_on(argv[1]);
    master = receive_master(listener);
    ::close(listener);
  }
  Output out;
  std::thread copier(copy_output, master, std::ref(out));
  int rc = 0;
  size_t cursor = 0;  // where the next --expect starts looking
  for (int i = 2; i + 1 < steps_end && rc == 0; i += 2) {
    const std::string step = argv[i], arg = argv[i + 1];
    if (step == "--size") {
      winsize ws{};
      if (std::sscanf(arg.c_str(), "%hux%hu", &ws.ws_row, &ws.ws_col) != 2) {
        std::fprintf(stderr, "recvtty: --size wants RxC, got %s\n", arg.c_str());
        return 2;
      }
      if (::ioctl(master, TIOCSWINSZ, &ws) != 0) die("TIOCSWINSZ");
    } else if (step == "--send") {
      {
        std::lock_guard lock(out.mutex);
        cursor = out.text.size();
      }
      const std::string text = unescape(arg);
      if (::write(master, text.data(), text.size()) != static_cast<ssize_t>(text.size())) die("write");
    } else if (step == "--expect") {
      std::unique_lock lock(out.mutex);
      out.changed.wait_for(lock, std::chrono::seconds(120),
                           [&] { return out.text.find(arg, cursor) != std::string::npos || out.closed; });
      const size_t at = out.text.find(arg, cursor);
      if (at != std::string::npos) {
        cursor = at + arg.size();
      } else {
        std::fprintf(stderr, "\nrecvtty: never saw \"%s\"\n", arg.c_str());
        rc = 1;
      }
    } else if (step == "--sleep") {
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(std::atof(arg.c_str()) * 1000)));
    } else {
      std::fprintf(stderr, "recvtty: unknown step %s\n", step.c_str());
      return 2;
    }
  }
  if (rc != 0) {  // the test failed: do not wait for the container to close its side
    copier.detach();
    std::_Exit(rc);
  }
  copier.join();
  if (child > 0) {
    int status = 0;
    ::waitpid(child, &status, 0);
    std::fprintf(stderr, "recvtty: command exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return 0;
}
