#include "runtime/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <span>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

// Fills `addr` for `path`; when the path is too long, opens its directory into `dir` and goes through
// /proc/self/fd/<dir>/<name>.
void make_address(const std::filesystem::path& path, sockaddr_un& addr, UniqueFd& dir) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::string target = path.string();
  if (target.size() >= sizeof addr.sun_path) {
    const std::filesystem::path parent = path.parent_path();
    dir.reset(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open " + runz::quoted(parent.string()));
    target = "/proc/self/fd/" + std::to_string(dir.get()) + "/" + path.filename().string();
    if (target.size() >= sizeof addr.sun_path) throw Error("socket name too long: " + runz::quoted(path.string()));
  }
  std::memcpy(addr.sun_path, target.c_str(), target.size() + 1);
}

UniqueFd stream_socket() {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  return fd;
}

}  // namespace

UniqueFd listen_unix(const std::filesystem::path& path) {
  sockaddr_un addr;
  UniqueFd dir;
  make_address(path, addr, dir);
  UniqueFd fd = stream_socket();
  ::unlink(path.c_str());
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw_errno("bind " + runz::quoted(path.string()));
  }
  if (::listen(fd.get(), 16) != 0) throw_errno("listen " + runz::quoted(path.string()));
  return fd;
}

UniqueFd connect_unix(const std::filesystem::path& path) {
  sockaddr_un addr;
  UniqueFd dir;
  make_address(path, addr, dir);
  UniqueFd fd = stream_socket();
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINTR) throw_errno("connect " + runz::quoted(path.string()));
  }
  return fd;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("send");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void send_with_fds(int fd, std::string_view data, const std::vector<int>& fds) {
  if (data.empty()) throw Error("send_with_fds: descriptors need at least one byte to travel with");
  if (fds.size() > kMaxPassedFds) throw Error("send_with_fds: too many descriptors");
  iovec iov{const_cast<char*>(data.data()), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n <= 0) throw_errno("sendmsg");
  send_all(fd, data.substr(static_cast<std::size_t>(n)));
}

namespace {

void set_receive_timeout(int fd, std::optional<std::chrono::milliseconds> timeout) {
  if (!timeout) return;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout->count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout->count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// Reads bytes up to '\n' into `line` (which may already hold the first bytes).
std::optional<std::string> finish_line(int fd, std::string line) {
  char c;
  for (;;) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read");
    }
    if (n == 0) return std::nullopt;
    if (c == '\n') return line;
    if (line.size() >= kMaxLineBytes) throw Error("message longer than " + std::to_string(kMaxLineBytes) + " bytes");
    line += c;
  }
}

}  // namespace

std::optional<std::string> read_line(int fd, std::optional<std::chrono::milliseconds> timeout) {
  set_receive_timeout(fd, timeout);
  return finish_line(fd, {});
}

namespace {

// One recvmsg into `data`: the descriptors that came with it, owned before anything is checked (none leaks
// whatever is wrong with the message). Sets `n` to recvmsg's byte count.
std::vector<UniqueFd> receive_with_fds(int fd, std::span<char> data, ssize_t& n) {
  iovec iov{data.data(), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  do n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) throw_errno("recvmsg");
  std::vector<UniqueFd> received;
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len < CMSG_LEN(0)) continue;
    const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int passed = -1;
      std::memcpy(&passed, CMSG_DATA(cmsg) + i * sizeof(int), sizeof passed);
      received.emplace_back(passed);
    }
  }
  if (msg.msg_flags & MSG_CTRUNC) throw Error("too many descriptors passed (at most " + std::to_string(kMaxPassedFds) + ")");
  if (received.size() > kMaxPassedFds) throw Error("too many descriptors passed");
  return received;
}

}  // namespace

UniqueFd receive_console_master(int fd, std::chrono::milliseconds timeout) {
  set_receive_timeout(fd, timeout);
  std::array<char, 4096> name{};
  ssize_t n = 0;
  std::vector<UniqueFd> received = receive_with_fds(fd, name, n);
  if (n == 0) throw Error("console socket: closed before the pty master was sent");
  if (received.size() != 1)
    throw Error("console socket: " + std::to_string(received.size()) + " descriptors sent, want the pty master alone", EPROTO);
  return std::move(received.front());
}

std::optional<std::string> read_line_with_fds(int fd, std::vector<UniqueFd>& fds,
                                              std::optional<std::chrono::milliseconds> timeout) {
  set_receive_timeout(fd, timeout);
  char c = 0;
  ssize_t n = 0;
  std::vector<UniqueFd> received = receive_with_fds(fd, std::span<char>(&c, 1), n);
  if (n == 0) return std::nullopt;
  fds = std::move(received);
  if (c == '\n') return std::string();
  return finish_line(fd, std::string(1, c));
}

}  // namespace runz::runtime
