#include "runtime/namespace_checks.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::runtime {
namespace {

struct NsType {
  const char* name;  // as config.json spells it
  int clone_flag;
};
constexpr NsType kTypes[] = {{"pid", CLONE_NEWPID},   {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
                             {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},     {"user", CLONE_NEWUSER},
                             {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}};

const char* type_name_of(int clone_flag) {
  for (const NsType& t : kTypes)
    if (t.clone_flag == clone_flag) return t.name;
  return "unknown";
}

[[noreturn]] void refuse(const std::string& what) {
  throw Error("config.json: linux." + what, ErrorKind::InvalidArgument, EINVAL);
}

void check_path(const spec::Namespace& ns) {
  const std::string entry = "namespaces: " + ns.type + ": " + runz::quoted(ns.path);
  int want = 0;
  for (const NsType& t : kTypes)
    if (ns.type == t.name) want = t.clone_flag;
  if (want == 0) refuse(entry + ": unknown namespace type");
  UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    throw Error("config.json: linux." + entry + ": " + std::string(std::strerror(err)), ErrorKind::InvalidArgument,
                err);
  }
  const int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
  if (type < 0) refuse(entry + ": not a namespace");
  if (type != want) refuse(entry + ": a " + type_name_of(type) + " namespace, not a " + ns.type + " one");
}

}  // namespace

void check_namespaces(const spec::Config& config) {
  if (!config.linux_) return;
  const spec::Linux& linux_ = *config.linux_;
  for (const spec::Namespace& ns : linux_.namespaces) {
    if (ns.path.empty()) continue;
    check_path(ns);
    if (ns.type == "user")
      refuse("namespaces: user: " + runz::quoted(ns.path) +
             ": joining a user namespace is not supported (the container runs under the zone's own kernel)");
  }
  if (!linux_.uid_mappings.empty() || !linux_.gid_mappings.empty())
    refuse(std::string(linux_.uid_mappings.empty() ? "gidMappings" : "uidMappings") +
           ": user namespace mappings are not supported (the container runs under the zone's own kernel, "
           "isolated from the host's users by the hypervisor)");
}

}  // namespace runz::runtime
