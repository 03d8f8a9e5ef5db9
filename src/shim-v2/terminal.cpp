#include "shim-v2/terminal.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <iostream>
#include <string_view>

#include "common/error.hpp"
#include "runtime/unix_socket.hpp"
#include "shim-v2/process_io.hpp"

namespace runz::shim {
namespace {

UniqueFd new_eventfd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw_errno("eventfd");
  return fd;
}

void signal_eventfd(int fd) {
  const uint64_t one = 1;
  (void)!::write(fd, &one, sizeof one);
}

// Waits until `fd` is readable (or hung up); false once `stop` fired.
// runz sends the master before it returns: this only bounds a runz that broke the protocol
constexpr std::chrono::seconds kConsoleMasterTimeout{5};

}  // namespace

ConsoleSocket::ConsoleSocket(std::filesystem::path path) : path_(std::move(path)) {
  listener_ = runtime::listen_unix(path_);
}

ConsoleSocket::~ConsoleSocket() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

UniqueFd ConsoleSocket::receive_master(std::chrono::milliseconds timeout) {
  return with_context("console socket " + runz::quoted(path_.string()), [&] {
    pollfd p{listener_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0) throw_errno("poll");
    if (n == 0) throw Error("runz did not connect within " + std::to_string(timeout.count()) + " ms", ETIMEDOUT);
    UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) throw_errno("accept");
    return runtime::receive_console_master(conn.get(), timeout);
  });
}

Terminal::Terminal(UniqueFd master, UniqueFd in, UniqueFd out)
    : master_(std::move(master)), in_(std::move(in)), out_(std::move(out)), stop_(new_eventfd()),
      output_done_(new_eventfd()) {
  output_ = std::thread([this] { copy_output(); });
  if (in_) input_ = std::thread([this] { copy_input(); });
}

Terminal::~Terminal() {
  signal_eventfd(stop_.get());
  if (input_.joinable()) input_.join();
  if (output_.joinable()) output_.join();
}

void Terminal::resize(uint32_t width, uint32_t height) {
  winsize ws{};
  ws.ws_col = static_cast<unsigned short>(width);
  ws.ws_row = static_cast<unsigned short>(height);
  if (::ioctl(master_.get(), TIOCSWINSZ, &ws) != 0) throw_errno("resize the terminal (TIOCSWINSZ)");
}

void Terminal::drain_output(std::chrono::milliseconds timeout) { (void)wait_readable(output_done_.get(), timeout); }

// containerd's stdin fifo -> the pty master, until containerd closes its end.
void Terminal::copy_input() noexcept {
  std::array<char, 8192> buf{};
  while (wait_readable(in_.get(), std::nullopt, stop_.get())) {
    ssize_t n = ::read(in_.get(), buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    if (!try_write_all(master_.get(), {buf.data(), static_cast<size_t>(n)})) break;
  }
}

// The pty master -> the stdout fifo, until the last holder of the pty's other side is gone (EIO).
void Terminal::copy_output() noexcept {
  std::array<char, 8192> buf{};
  while (wait_readable(master_.get(), std::nullopt, stop_.get())) {
    ssize_t n = ::read(master_.get(), buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    if (out_ && !try_write_all(out_.get(), {buf.data(), static_cast<size_t>(n)})) out_.reset();  // reader gone: drop
  }
  signal_eventfd(output_done_.get());
}

RuntimeStdio::RuntimeStdio(bool terminal, std::string_view in, std::string_view out, std::string_view err,
                           const StdioOwner& owner, const std::filesystem::path& console_socket,
                           std::vector<std::string>& args) {
  if (!terminal) {
    fds_ = open_stdio(in, out, err, owner);
    return;
  }
  // runz's own stdio: /dev/null, not captured, so nothing runz leaves running can hold a pipe of ours open
  // (its errors come from the --log file)
  fds_ = open_stdio("", "", "", owner);
  if (!in.empty()) tty_io_.in = open_stdin(in);
  if (out.starts_with(kBinaryScheme)) {
    tty_io_.logger = std::make_unique<LogBinary>(out, owner.id, owner.ns);
    tty_io_.out = tty_io_.logger->take_stdout();
  } else if (!out.empty()) {
    tty_io_.out = open_output(out);
  }
  console_.emplace(console_socket);
  args.insert(args.end(), {"--console-socket", console_socket.string()});
}

RunOptions RuntimeStdio::options(const std::filesystem::path& log_file) const {
  RunOptions options;
  options.stdin_fd = fds_.in.get();
  options.stdout_fd = fds_.out.get();
  options.stderr_fd = fds_.err.get();
  options.log_file = log_file;
  return options;
}

std::unique_ptr<Terminal> RuntimeStdio::take_terminal() {
  if (!console_) return nullptr;
  return std::make_unique<Terminal>(console_->receive_master(kConsoleMasterTimeout), std::move(tty_io_.in),
                                    std::move(tty_io_.out));
}

std::unique_ptr<LogBinary> RuntimeStdio::take_logger() {
  return fds_.logger ? std::move(fds_.logger) : std::move(tty_io_.logger);
}

}  // namespace runz::shim
