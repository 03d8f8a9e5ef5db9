// The backend's seccomp filter: after set-up the process may only make the system calls serving 9P and
// the Xen devices needs. Anything else fails with EPERM and is logged to stderr (SIGSYS trap on x86-64;
// plain EPERM elsewhere). Threads created before loading are covered too (TSYNC).
#pragma once

namespace runz::p9 {

// Loads the filter into this process. Throws runz::Error.
void load_backend_seccomp();

}  // namespace runz::p9
