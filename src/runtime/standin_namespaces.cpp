#include "runtime/standin_namespaces.hpp"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace runz::runtime {
namespace {

struct StandinType {
  const char* name;  // as config.json spells it
  int clone_flag;
};
constexpr StandinType kStandinTypes[] = {{"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC}, {"cgroup", CLONE_NEWCGROUP}};

[[noreturn]] void fail(const spec::Namespace& ns, const char* what, int err) {
  std::string entry = "config.json: linux.namespaces: " + ns.type;
  if (!ns.path.empty()) entry += ": " + runz::quoted(ns.path);
  throw Error(entry + ": " + what + ": " + std::strerror(err), ErrorKind::InvalidArgument, err);
}

}  // namespace

void enter_standin_namespaces(const spec::Config& config) {
  if (!config.linux_) return;
  for (const spec::Namespace& ns : config.linux_->namespaces) {
    for (const StandinType& t : kStandinTypes) {
      if (ns.type != t.name) continue;
      if (ns.path.empty()) {
        if (::unshare(t.clone_flag) != 0) fail(ns, "unshare", errno);
        continue;
      }
      const UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd) fail(ns, "open", errno);
      // setns checks the type too: a path that changed since create's check fails here
      if (::setns(fd.get(), t.clone_flag) != 0) fail(ns, "setns", errno);
    }
  }
}

}  // namespace runz::runtime
