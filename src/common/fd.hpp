// Owning file descriptor: closed exactly once, move-only.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

namespace runz {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  // Gives up ownership without closing.
  int release() noexcept { return std::exchange(fd_, -1); }
  // Closes the current fd (if any) and takes `fd`.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// pipe2(O_CLOEXEC) as a pair {read end, write end}; throws runz::Error.
std::pair<UniqueFd, UniqueFd> make_pipe();

// Writes all of `data`, retrying short writes and EINTR; throws runz::Error("<what>: <strerror>").
void write_all(int fd, std::string_view data, std::string_view what);
// The same without throwing: false once a write fails (e.g. EPIPE: the reader is gone).
bool try_write_all(int fd, std::string_view data) noexcept;

// Waits until `fd` is readable (or at its end): true. False when `timeout` (none: no limit) passed first,
// when `stop_fd` (-1: none) became readable first, or when poll(2) failed; EINTR is retried.
bool wait_readable(int fd, std::optional<std::chrono::milliseconds> timeout, int stop_fd = -1) noexcept;

// /dev/null read-write, close-on-exec; throws runz::Error.
UniqueFd open_dev_null();
// fds 0-2 onto /dev/null, for a process that must not hold its caller's stdio open; best effort (a host
// without /dev/null keeps them).
void stdio_to_dev_null() noexcept;

}  // namespace runz
