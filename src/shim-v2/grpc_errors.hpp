// The one place where errors become gRPC codes for containerd (errdefs turns the codes back into
// ErrNotFound, ErrAlreadyExists, ErrFailedPrecondition, ErrNotImplemented...). Every runz::Error carries an
// ErrorKind (common/error.hpp); a failed `runz` CLI call carries the kind runz wrote in its JSON log line
// (RuntimeCommandError), so no English is matched here:
//
//   RpcError                        its own code (raised where the code is obvious)
//   kind NotFound                   NotFound            container or process unknown; ENOENT, ESRCH
//   kind AlreadyExists              AlreadyExists       `container with id exists`; EEXIST
//   kind InvalidArgument            InvalidArgument     bad argv, config.json, id; EINVAL
//   kind FailedPrecondition         FailedPrecondition  wrong status (`container not running`, `cannot
//                                                       start ...`, `cannot delete ...`, `not paused`); the
//                                                       host is no Xen dom0; the runz binary cannot be run
//   kind PermissionDenied           PermissionDenied    EPERM, EACCES
//   kind Unavailable                Unavailable         EAGAIN, EBUSY, ECONNREFUSED
//   kind Timeout                    DeadlineExceeded    ETIMEDOUT
//   kind Unimplemented              Unimplemented       ENOSYS, EOPNOTSUPP; a verb runz does not support
//   kind Internal                   Internal            any other errno
//   kind Unknown                    Unknown             runz said nothing machine-readable; its message is
//                                                       kept verbatim
//   anything else (not runz::Error) Internal
#pragma once

#include <exception>

#include "common/error.hpp"
#include "shim-v2/ttrpc_status.hpp"

namespace runz::shim {

ttrpc::Status to_status(std::exception_ptr error);

// The code for an error of `kind` (the table above).
ttrpc::Code code_for(ErrorKind kind);

}  // namespace runz::shim
