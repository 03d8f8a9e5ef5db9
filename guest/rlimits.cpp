#include "guest/rlimits.hpp"

#include "common/error.hpp"
#include "spec/names.hpp"

namespace runz::guest {

std::vector<ResolvedRlimit> resolve_rlimits(const std::vector<spec::Rlimit>& rlimits) {
  std::vector<ResolvedRlimit> out;
  for (const auto& r : rlimits) {
    const auto resource = spec::rlimit_resource(r.type);
    if (!resource) throw Error("unknown rlimit " + runz::quoted(r.type), EINVAL);
    ResolvedRlimit resolved;
    resolved.name = r.type;
    resolved.resource = *resource;
    resolved.limit.rlim_cur = static_cast<rlim_t>(r.soft);
    resolved.limit.rlim_max = static_cast<rlim_t>(r.hard);
    out.push_back(resolved);
  }
  return out;
}

void apply_rlimits(const std::vector<ResolvedRlimit>& rlimits) {
  for (const auto& r : rlimits) {
    // glibc's setrlimit takes an enum in C++ (__rlimit_resource_t).
    if (::setrlimit(static_cast<__rlimit_resource_t>(r.resource), &r.limit) != 0)
      throw_errno("setrlimit " + runz::quoted(r.name));
  }
}

}  // namespace runz::guest
