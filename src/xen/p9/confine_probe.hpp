// runz-p9-backend --probe-confinement: after the same set-up as a serving backend (exports cloned, process
// confined, seccomp filter loaded), try what a compromised backend would want and report each attempt on
// stdout, one line each: "denied  <what>: <errno>" or "ALLOWED <what>: <result>" for the forbidden things,
// "works   <what>" or "BROKEN  <what>: <why>" for what the backend still needs. Used by the unit test
// p9_backend_probe and by conformance/suites/zones/11-p9-backend-confinement.sh in dom0.
#pragma once

#include <vector>

#include "xen/p9/confine.hpp"
#include "xen/p9/export.hpp"

namespace runz::p9 {

// Returns 0 if every forbidden attempt was denied and every needed operation worked, else 1. `user` is who
// the process must be running as.
int probe_confinement(const std::vector<Export>& exports, BackendUser user);

}  // namespace runz::p9
