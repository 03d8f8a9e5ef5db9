#include "common/in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "common/error.hpp"

namespace runz {
namespace {

UniqueFd openat2_in_root(int root_fd, const std::string& relative, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string path = relative.empty() ? "." : relative;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno != EAGAIN && errno != EINTR) return UniqueFd();
  }
}

std::string strip_leading_slashes(const std::string& path) {
  size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  return path.substr(i);
}

}  // namespace

UniqueFd open_in_root(int root_fd, const std::string& path, int flags) {
  return openat2_in_root(root_fd, strip_leading_slashes(path), flags);
}

UniqueFd ensure_in_root(int root_fd, const std::string& path, bool file) {
  const std::filesystem::path relative(strip_leading_slashes(path));
  std::string prefix;
  UniqueFd current = openat2_in_root(root_fd, "", O_PATH | O_DIRECTORY);
  if (!current) throw_errno("open rootfs");
  std::vector<std::string> parts;
  for (const auto& part : relative) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    parts.push_back(name);
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    prefix += (prefix.empty() ? "" : "/") + parts[i];
    UniqueFd next = openat2_in_root(root_fd, prefix, O_PATH);
    if (!next) {
      if (errno != ENOENT) throw_errno("open " + runz::quoted(prefix) + " in rootfs");
      if (last && file) {
        UniqueFd created(::openat(current.get(), parts[i].c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!created && errno != EEXIST) throw_errno("create file " + runz::quoted("/" + prefix));
      } else if (::mkdirat(current.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        throw_errno("mkdir " + runz::quoted("/" + prefix));
      }
      next = openat2_in_root(root_fd, prefix, O_PATH);
      if (!next) throw_errno("open " + runz::quoted("/" + prefix) + " in rootfs");
    }
    current = std::move(next);
  }
  return current;
}

}  // namespace runz
