#include "runtime/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

std::optional<std::string> read_line(int fd, std::optional<std::chrono::milliseconds> timeout) {
  if (timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout->count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout->count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  std::string line;
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

}  // namespace runz::runtime
