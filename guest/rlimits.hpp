// process.rlimits: names resolved through runz::spec's table, applied with setrlimit(2).
#pragma once

#include "spec/config.hpp"

#include <string>
#include <sys/resource.h>
#include <vector>

namespace runz::guest {

struct ResolvedRlimit {
  std::string name;  // "RLIMIT_NOFILE"
  int resource = 0;
  rlimit limit{};
};

// Throws runz::Error ("unknown rlimit `RLIMIT_FOO`") for names the table does not have.
std::vector<ResolvedRlimit> resolve_rlimits(const std::vector<spec::Rlimit>& rlimits);
// setrlimit for each; throws runz::Error naming the rlimit.
void apply_rlimits(const std::vector<ResolvedRlimit>& rlimits);

}  // namespace runz::guest
