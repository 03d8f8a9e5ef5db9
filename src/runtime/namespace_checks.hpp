// What `create` checks of config.json's namespaces before it makes anything (as runc does when it opens
// them): every `path` names a namespace of the entry's type, and no request runz cannot honour passes
// silently. A zone has its own kernel, so a user namespace to join (a `path`) or uid/gid mappings would
// mean nothing on the host side and are refused with a clear error rather than ignored.
// docs/ARCHITECTURE.md, "Namespaces".
#pragma once

#include "spec/config.hpp"

namespace runz::runtime {

// Throws runz::Error (InvalidArgument) naming config.json, the entry and the path.
void check_namespaces(const spec::Config& config);

}  // namespace runz::runtime
