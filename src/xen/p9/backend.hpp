// The 9pfs backend process for one guest domain: sets up every export's device, confines itself
// (descriptors opened first, then seccomp), then serves until every device is closed or SIGTERM/SIGINT.
// The monitor may call run_backend() in a forked child; runz-p9-backend is a thin main() around it.
#pragma once

#include "xen/p9/backend_config.hpp"

namespace runz::p9 {

// Returns the process exit status: 0 after a clean stop, 1 if set-up failed. Logs to stderr.
int run_backend(const BackendConfig& config) noexcept;

}  // namespace runz::p9
