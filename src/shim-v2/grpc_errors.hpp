// The one place where errors become gRPC codes for containerd (errdefs turns the codes back into
// ErrNotFound, ErrAlreadyExists, ErrFailedPrecondition, ErrNotImplemented...):
//
//   RpcError                                   its own code (raised where the code is obvious)
//   runz said "container ... does not exist"   NotFound
//   runz said "container with id exists"       AlreadyExists
//   runz refused for the container's status    FailedPrecondition  ("not running", "cannot start ...",
//                                                                   "cannot delete ...", "not paused")
//   runz said it needs a Xen dom0              FailedPrecondition  (the host cannot run zones)
//   runz failed otherwise                      Unknown             (runz's message is kept verbatim)
//   the runz binary cannot be executed         FailedPrecondition
//   typed runtime-library errors               NotFound / AlreadyExists / FailedPrecondition
//   runz::Error with an errno                  ENOENT NotFound, EEXIST AlreadyExists, EINVAL InvalidArgument,
//                                              EPERM/EACCES PermissionDenied, ENOSYS/EOPNOTSUPP Unimplemented
//   anything else                              Internal
#pragma once

#include <exception>
#include <string_view>

#include "shim-v2/ttrpc_status.hpp"

namespace runz::shim {

ttrpc::Status to_status(std::exception_ptr error);

// The code for a message runz printed (exposed for tests).
ttrpc::Code code_for_runtime_message(std::string_view message);

}  // namespace runz::shim
