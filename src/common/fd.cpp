#include "common/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"

namespace runz {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);  // close errors on a descriptor we own cannot be acted on; EINTR still frees it
  fd_ = fd;
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool try_write_all(int fd, std::string_view data) noexcept {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void write_all(int fd, std::string_view data, std::string_view what) {
  if (!try_write_all(fd, data)) throw_errno(what);
}

UniqueFd open_dev_null() {
  UniqueFd fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!fd) throw_errno("open /dev/null");
  return fd;
}

void stdio_to_dev_null() noexcept {
  const UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null) return;
  for (int fd = 0; fd <= 2; ++fd) ::dup2(null.get(), fd);
}

}  // namespace runz
