#include "runtime/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <random>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::runtime {
namespace {

std::filesystem::path temp_beside(const std::filesystem::path& path) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return path.parent_path() /
         ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view data, mode_t mode) {
  const std::filesystem::path temp = temp_beside(path);
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) throw_errno("create " + runz::quoted(temp.string()));
  try {
    write_all(fd.get(), data, "write " + runz::quoted(temp.string()));
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + runz::quoted(temp.string()));
    fd.reset();
    if (::rename(temp.c_str(), path.c_str()) != 0) throw_errno("rename to " + runz::quoted(path.string()));
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) throw_errno("open " + runz::quoted(dir.string()));
  if (::fsync(dir_fd.get()) != 0) throw_errno("fsync " + runz::quoted(dir.string()));
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("open " + runz::quoted(path.string()));
  }
  std::string data;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read " + runz::quoted(path.string()));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

void write_pid_file(const std::filesystem::path& path, pid_t pid) {
  write_file_atomic(std::filesystem::absolute(path), std::to_string(pid), 0644);
}

pid_t read_pid_file(const std::filesystem::path& path) {
  const auto text = read_file_if_exists(path);
  if (!text) throw Error("read pid file " + runz::quoted(path.string()) + ": it does not exist", ENOENT);
  char* end = nullptr;
  const long pid = std::strtol(text->c_str(), &end, 10);
  if (end == text->c_str() || (*end != '\0' && *end != '\n') || pid <= 0 || pid > 0x7fffffff)
    throw Error("read pid file " + runz::quoted(path.string()) + ": no valid pid in it", EINVAL);
  return static_cast<pid_t>(pid);
}

}  // namespace runz::runtime
