#include "xen/p9/export.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "common/error.hpp"
#include "xen/p9/op_error.hpp"

namespace runz::p9 {

namespace {
constexpr unsigned long long kConfinedResolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

dev_t dev_of(int fd, const std::string& what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("fstat " + quoted(what));
  return st.st_dev;
}
}  // namespace

int openat_beneath(int dirfd, const char* path, int flags, unsigned mode) {
  struct open_how how {};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = kConfinedResolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

std::string join_path(const RelPath& path) {
  if (path.empty()) return ".";
  std::string out;
  for (const auto& c : path) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

Export Export::open_directory(const std::string& host_dir, bool read_only) {
  UniqueFd root(::open(host_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open export directory " + quoted(host_dir));
  return adopt_directory(std::move(root), host_dir, read_only);
}

Export Export::adopt_directory(UniqueFd root, const std::string& what, bool read_only) {
  Export e;
  e.root_ = std::move(root);
  e.read_only_ = read_only;
  e.root_dev_ = dev_of(e.root_.get(), what);
  return e;
}

Export Export::open_single_file(const std::string& host_file, const std::string& guest_name, bool read_only) {
  // The host path comes from the runtime (trusted); still, open the file itself, not a link to it.
  UniqueFd file(::open(host_file.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!file) throw_errno("open single-file export " + quoted(host_file));
  return adopt_single_file(std::move(file), host_file, guest_name, read_only);
}

Export Export::adopt_single_file(UniqueFd file, const std::string& what, const std::string& guest_name,
                                 bool read_only) {
  if (guest_name.empty() || guest_name == "." || guest_name == ".." ||
      guest_name.find('/') != std::string::npos || guest_name.size() > 255) {
    throw Error("single-file export: invalid file name " + quoted(guest_name), EINVAL);
  }
  Export e;
  e.root_ = std::move(file);
  struct stat st {};
  if (::fstat(e.root_.get(), &st) != 0) throw_errno("fstat " + quoted(what));
  if (!S_ISREG(st.st_mode)) throw Error("single-file export " + quoted(what) + " is not a regular file", EINVAL);
  e.read_only_ = read_only;
  e.single_file_ = true;
  e.file_name_ = guest_name;
  e.root_dev_ = st.st_dev;
  return e;
}

UniqueFd Export::lookup(const RelPath& path) const {
  if (single_file_) {
    if (path.size() != 1 || path[0] != file_name_) throw OpError{ENOENT};
    UniqueFd fd(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
    if (!fd) throw_op_errno();
    return fd;
  }
  const std::string joined = join_path(path);
  UniqueFd fd(openat_beneath(root_.get(), joined.c_str(), O_PATH, 0));
  if (!fd) throw_op_errno();
  return fd;
}

}  // namespace runz::p9
