// What `runz spec` writes: runc's example spec (libcontainer/specconv), with runz's hostname.
#pragma once

#include "spec/config.hpp"

#include <nlohmann/json_fwd.hpp>

namespace runz::spec {

// rootless: like `runc spec --rootless` (user namespace mapping the caller's euid/egid to 0, no network
// namespace, /sys bind-mounted, no uid=/gid= mount options, no resources). A zone needs root on the host
// anyway, so this only exists for CLI compatibility.
Config default_config(bool rootless = false);
nlohmann::json default_spec(bool rootless = false);

}  // namespace runz::spec
