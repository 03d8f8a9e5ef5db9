#include "guest/stdio_relay.hpp"

#include "agent-proto/frame.hpp"
#include "common/error.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace runz::guest {

namespace ap = agent_proto;

namespace {

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl O_NONBLOCK");
}

}  // namespace

StdioRelay::StdioRelay(UniqueFd stdin_w, UniqueFd stdout_r, UniqueFd stderr_r)
    : in_(std::move(stdin_w)), out_(std::move(stdout_r)), err_(std::move(stderr_r)) {
  set_nonblocking(in_.get());
  set_nonblocking(out_.get());
  set_nonblocking(err_.get());
}

StdioRelay::StdioRelay(UniqueFd pty_master) : terminal_(true), out_(std::move(pty_master)) {
  set_nonblocking(out_.get());
}

int StdioRelay::stdin_poll_fd() const noexcept {
  if (stdin_closed_ || queued_.empty()) return -1;
  return terminal_ ? out_.get() : in_.get();
}

void StdioRelay::on_readable(int fd, ConsoleChannel& console, uint32_t handle) {
  const bool is_stderr = fd == err_.get() && err_;
  const auto type = is_stderr ? ap::MessageType::kStderr : ap::MessageType::kStdout;
  char buffer[ap::kMaxPayloadBytes];
  // Bounded per wake-up so one chatty process cannot starve the others.
  for (int round = 0; round < 4; ++round) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      console.send(type, handle, std::string_view(buffer, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // 0 = EOF; EIO = a terminal whose last slave closed.
    close_output(is_stderr, console, handle);
    return;
  }
}

void StdioRelay::close_output(bool is_stderr, ConsoleChannel& console, uint32_t handle) {
  if (is_stderr) {
    if (!err_) return;
    err_.reset();
    console.send(ap::MessageType::kStderr, handle, "");
    return;
  }
  if (!out_) return;
  out_.reset();
  console.send(ap::MessageType::kStdout, handle, "");
  if (terminal_) {
    stdin_closed_ = true;  // the master was stdin too
    console.send(ap::MessageType::kStderr, handle, "");
  }
}

void StdioRelay::queue_stdin(std::string_view bytes, ConsoleChannel& console) {
  if (stdin_closed_) return;
  if (bytes.empty()) {
    stdin_eof_ = true;
    if (terminal_) {
      queued_.push_back('\x04');  // VEOF: the line discipline ends the read
    } else if (queued_.empty()) {
      close_stdin();
    }
    return;
  }
  if (queued_.size() + bytes.size() > kMaxQueuedStdinBytes) {
    if (!stdin_dropped_logged_) console.log("stdin: queue full, dropping input");
    stdin_dropped_logged_ = true;
    return;
  }
  queued_.append(bytes);
}

void StdioRelay::on_stdin_writable(ConsoleChannel& console) {
  const int fd = stdin_poll_fd();
  if (fd < 0) return;
  while (!queued_.empty()) {
    const ssize_t n = ::write(fd, queued_.data(), queued_.size());
    if (n > 0) {
      queued_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // EPIPE: the process closed its stdin; what is left can never be read.
    queued_.clear();
    if (!terminal_) close_stdin();
    (void)console;
    return;
  }
  if (stdin_eof_ && !terminal_) close_stdin();
}

void StdioRelay::close_stdin() {
  stdin_closed_ = true;
  queued_.clear();
  in_.reset();
}

void StdioRelay::resize(uint32_t height, uint32_t width) {
  if (!terminal_ || !out_) return;
  winsize ws{};
  ws.ws_row = static_cast<unsigned short>(height);
  ws.ws_col = static_cast<unsigned short>(width);
  if (::ioctl(out_.get(), TIOCSWINSZ, &ws) != 0) throw_errno("TIOCSWINSZ");
}

void StdioRelay::close_all(ConsoleChannel& console, uint32_t handle) {
  close_output(false, console, handle);
  close_output(true, console, handle);
  close_stdin();
}

std::pair<UniqueFd, UniqueFd> open_pty(uint32_t height, uint32_t width) {
  UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) throw_errno("open /dev/ptmx");
  int unlock = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) != 0) throw_errno("unlock pty");
  UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) throw_errno("open pty peer");
  if (height != 0 && width != 0) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(height);
    ws.ws_col = static_cast<unsigned short>(width);
    if (::ioctl(master.get(), TIOCSWINSZ, &ws) != 0) throw_errno("TIOCSWINSZ");
  }
  return {std::move(master), std::move(slave)};
}

}  // namespace runz::guest
