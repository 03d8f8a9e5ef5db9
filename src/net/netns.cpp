#include "net/netns.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/error.hpp"

namespace runz::net {

UniqueFd open_netns(const std::filesystem::path& path) {
  const std::string what = "network namespace " + runz::quoted(path.string());
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno("open " + what);
  const int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
  if (type < 0) {
    if (errno == ENOTTY || errno == EINVAL) throw Error(what + ": not a namespace", ErrorKind::InvalidArgument, EINVAL);
    throw_errno("check " + what);
  }
  if (type != CLONE_NEWNET) throw Error(what + ": a namespace of another type", ErrorKind::InvalidArgument, EINVAL);
  return fd;
}

UniqueFd current_netns() {
  UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno("open /proc/thread-self/ns/net");
  return fd;
}

void enter_netns(int netns_fd) {
  if (::setns(netns_fd, CLONE_NEWNET) != 0) throw_errno("enter network namespace");
}

void unshare_netns() {
  if (::unshare(CLONE_NEWNET) != 0) throw_errno("create network namespace");
}

}  // namespace runz::net
