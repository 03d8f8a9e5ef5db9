#include "shim-v2/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace runz::shim {
namespace {

constexpr std::string_view kUnixScheme = "unix://";

// Fills `addr` and returns the length to pass to bind/connect.
socklen_t make_sockaddr(std::string_view address, sockaddr_un& addr) {
  std::string path = socket_path(address);
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path[0] == '\0' ? 0 : 1));
}

bool is_abstract(const std::string& path) { return !path.empty() && path[0] == '\0'; }

void bind_at(int fd, const std::string& path) {
  sockaddr_un addr;
  const socklen_t len = make_sockaddr(path, addr);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) throw_errno("bind " + runz::quoted(path));
}

// A fresh 0700 directory beside a socket's path, removed with whatever is left in it.
class PrivateDir {
 public:
  explicit PrivateDir(const std::string& beside) {
    std::string name = (std::filesystem::path(beside).parent_path() / ".runz-socket-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) throw_errno("create a private directory beside " + runz::quoted(beside));
    dir_ = std::move(name);
  }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  // ENOENT is the normal case for the socket: it was renamed out. Anything else left is reported.
  ~PrivateDir() {
    if (::unlink(file().c_str()) != 0 && errno != ENOENT)
      std::fprintf(stderr, "runz: remove %s: %s\n", file().c_str(), std::strerror(errno));
    if (::rmdir(dir_.c_str()) != 0) std::fprintf(stderr, "runz: remove %s: %s\n", dir_.c_str(), std::strerror(errno));
  }
  std::string file() const { return dir_ + "/s"; }

 private:
  std::string dir_;
};

// Binds `fd` at the file `path` with mode 0600 from the start: a chmod after bind left a moment in which
// anyone the umask let in could connect. The socket is bound in a private directory, where nobody else can
// reach it, made 0600 there and renamed into place, never over an existing file (EADDRINUSE, as bind says).
void bind_private(int fd, const std::string& path) {
  const PrivateDir dir(path);
  bind_at(fd, dir.file());
  if (::chmod(dir.file().c_str(), 0600) != 0) throw_errno("chmod " + runz::quoted(dir.file()));
  if (::renameat2(AT_FDCWD, dir.file().c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) throw Error("bind " + runz::quoted(path) + ": " + std::strerror(EADDRINUSE), EADDRINUSE);
    throw_errno("rename socket " + runz::quoted(dir.file()) + " to " + runz::quoted(path));
  }
}

}  // namespace

std::string socket_path(std::string_view address) {
  std::string path;
  if (address.starts_with(kUnixScheme)) {
    path = std::string(address.substr(kUnixScheme.size()));
  } else if (address.starts_with('@')) {
    path = std::string(1, '\0') + std::string(address.substr(1));
  } else {
    path = std::string(address);
  }
  if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) {
    throw Error("socket address " + runz::quoted(address) + " is empty or longer than " +
                    std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes",
                EINVAL);
  }
  return path;
}

UniqueFd connect_unix(std::string_view address) {
  sockaddr_un addr;
  socklen_t len = make_sockaddr(address, addr);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    if (errno == EINTR) continue;
    throw_errno("connect to " + runz::quoted(address));
  }
  return fd;
}

UniqueFd listen_unix(std::string_view address) {
  sockaddr_un addr;
  socklen_t len = make_sockaddr(address, addr);
  std::string path = socket_path(address);
  if (!is_abstract(path)) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) throw Error("create directory for socket " + runz::quoted(path) + ": " + ec.message(), ec.value());
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  if (is_abstract(path)) {
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
      throw_errno("bind " + runz::quoted(address));
    }
  } else {
    bind_private(fd.get(), path);
  }
  if (::listen(fd.get(), 64) != 0) throw_errno("listen on " + runz::quoted(address));
  return fd;
}

bool can_connect(std::string_view address) {
  try {
    connect_unix(address);
    return true;
  } catch (const Error&) {
    return false;
  }
}

void remove_socket(std::string_view address) noexcept {
  try {
    std::string path = socket_path(address);
    if (!is_abstract(path)) ::unlink(path.c_str());
  } catch (...) {
  }
}

}  // namespace runz::shim
