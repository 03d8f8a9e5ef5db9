#include "common/capped_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "common/error.hpp"

namespace runz {

CappedLog::CappedLog(UniqueFd fd, size_t cap_bytes, std::string name)
    : fd_(std::move(fd)), cap_bytes_(cap_bytes), name_(std::move(name)) {}

CappedLog CappedLog::open(const std::string& path, size_t cap_bytes, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode));
  if (!fd) throw_errno("open " + runz::quoted(path));
  const auto slash = path.rfind('/');
  return CappedLog(std::move(fd), cap_bytes, slash == std::string::npos ? path : path.substr(slash + 1));
}

std::string CappedLog::note() const {
  return "runz: " + name_ + " capped at " + std::to_string(cap_bytes_) + " bytes: further output dropped\n";
}

size_t CappedLog::used_bytes() const {
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) throw_errno("fstat " + runz::quoted(name_));
  // A regular file's size includes what others appended to it; a pipe's is not ours to know.
  if (!S_ISREG(st.st_mode)) return written_;
  return std::max(written_, static_cast<size_t>(st.st_size));
}

void CappedLog::write(std::string_view data) {
  if (capped_ || data.empty()) return;
  const size_t used = used_bytes();
  const size_t room = used < cap_bytes_ ? cap_bytes_ - used : 0;
  const std::string_view part = data.substr(0, room);
  if (!part.empty()) {
    write_all(fd_.get(), part, "write " + runz::quoted(name_));
    written_ += part.size();
    at_line_start_ = part.back() == '\n';
  }
  if (part.size() == data.size()) return;
  // Over the cap: end the cut line, say so once, and drop the rest from now on.
  capped_ = true;
  const std::string last = (at_line_start_ ? "" : "\n") + note();
  write_all(fd_.get(), last, "write " + runz::quoted(name_));
  written_ += last.size();
}

namespace {
std::mutex g_stderr_mutex;
std::unique_ptr<CappedLog> g_stderr_log;  // guarded by g_stderr_mutex; null = uncapped
}  // namespace

void cap_stderr(size_t cap_bytes, std::string name) {
  UniqueFd fd(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0));
  if (!fd) throw_errno("dup stderr");
  auto log = std::make_unique<CappedLog>(std::move(fd), cap_bytes, std::move(name));
  std::lock_guard lock(g_stderr_mutex);
  g_stderr_log = std::move(log);
}

void log_to_stderr(std::string_view line) noexcept {
  try {
    std::lock_guard lock(g_stderr_mutex);
    if (g_stderr_log) {
      g_stderr_log->write(line);
      return;
    }
  } catch (...) {
    return;  // a log line that cannot be written has nowhere better to go
  }
  (void)try_write_all(STDERR_FILENO, line);
}

}  // namespace runz
