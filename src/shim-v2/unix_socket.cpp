#include "shim-v2/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
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
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    throw_errno("bind " + runz::quoted(address));
  }
  if (!is_abstract(path) && ::chmod(path.c_str(), 0600) != 0) {
    int saved = errno;
    ::unlink(path.c_str());
    throw_errno("chmod " + runz::quoted(path), saved);
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
