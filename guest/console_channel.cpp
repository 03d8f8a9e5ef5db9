#include "guest/console_channel.hpp"

#include "agent-proto/messages.hpp"
#include "common/error.hpp"

#include <fcntl.h>
#include <poll.h>
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

ConsoleChannel::ConsoleChannel(UniqueFd in, UniqueFd out) : in_(std::move(in)), out_(std::move(out)) {
  set_nonblocking(in_.get());
  if (out_) set_nonblocking(out_.get());
}

ConsoleChannel ConsoleChannel::open_device(const char* path) {
  UniqueFd fd(::open(path, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!fd) throw_errno("open console " + runz::quoted(path));
  termios tio{};
  if (::tcgetattr(fd.get(), &tio) != 0) throw_errno("tcgetattr " + runz::quoted(path));
  ::cfmakeraw(&tio);
  tio.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::tcsetattr(fd.get(), TCSANOW, &tio) != 0) throw_errno("tcsetattr " + runz::quoted(path));
  return ConsoleChannel(std::move(fd), UniqueFd());
}

ConsoleChannel ConsoleChannel::stdio() {
  UniqueFd in(::fcntl(0, F_DUPFD_CLOEXEC, 3));
  UniqueFd out(::fcntl(1, F_DUPFD_CLOEXEC, 3));
  if (!in || !out) throw_errno("dup stdio");
  return ConsoleChannel(std::move(in), std::move(out));
}

bool ConsoleChannel::read_events(std::vector<ap::Event>& events) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(in_.get(), buffer, sizeof buffer);
    if (n > 0) {
      decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)), events);
      continue;
    }
    if (n == 0) {
      decoder_.finish(events);
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return true;
    throw_errno("read console");
  }
}

void ConsoleChannel::send_encoded(std::string_view frame) {
  const int fd = write_fd();
  while (!frame.empty()) {
    const ssize_t n = ::write(fd, frame.data(), frame.size());
    if (n > 0) {
      frame.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) throw_errno("poll console");
      continue;
    }
    throw_errno("write console");
  }
}

void ConsoleChannel::send(ap::MessageType type, uint32_t stream, std::string_view payload) {
  send_encoded(ap::encode_frame(type, stream, payload));
}

void ConsoleChannel::send_error(uint32_t stream, std::string_view step, int errno_value, std::string_view message) {
  ap::ErrorReport report{std::string(step), errno_value, std::string(message)};
  std::string payload = ap::to_json_payload(report);
  if (payload.size() > ap::kMaxPayloadBytes) {
    report.message.resize(ap::kMaxPayloadBytes / 8);  // JSON escaping grows text at most 6x
    payload = ap::to_json_payload(report);
  }
  send(ap::MessageType::kError, stream, payload);
}

void ConsoleChannel::log(std::string_view line) {
  send(ap::MessageType::kLog, ap::kZoneStream, line.substr(0, ap::kMaxPayloadBytes));
}

}  // namespace runz::guest
