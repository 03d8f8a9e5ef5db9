// The backend's seccomp filter: after set-up the process may only make the system calls serving 9P and
// the Xen devices needs. Anything else fails with EPERM and is logged to stderr (SIGSYS trap on x86-64;
// plain EPERM elsewhere). Threads created before loading are covered too (TSYNC).
//
// Some calls are allowed only with certain arguments: clone only for a thread (no new process, no namespace
// flag); clone3 fails with ENOSYS (its flags are out of a filter's reach; glibc falls back to clone); ioctl
// only with the gntdev and evtchn requests the Xen libraries make; mmap and mprotect never with PROT_EXEC;
// tgkill only to a thread of this process. Host paths are out of reach by confinement (confine.hpp), not
// by the filter: openat and friends stay allowed.
#pragma once

#include <span>

namespace runz::p9 {

// The ioctl requests the filter lets through (on any descriptor; the Xen device files are the only ones
// that know them).
std::span<const unsigned long> backend_ioctl_requests() noexcept;

// Loads the filter into this process. Throws runz::Error.
void load_backend_seccomp();

}  // namespace runz::p9
