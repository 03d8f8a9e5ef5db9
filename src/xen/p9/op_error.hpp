// The failure of one filesystem operation on behalf of the guest: an errno that goes back as Rlerror.
// Deliberately not runz::Error: these are expected, frequent (ENOENT on every lookup miss) and carry no
// message; the server turns them into replies, never into logs.
#pragma once

#include <cerrno>

namespace runz::p9 {

struct OpError {
  int err;
};

// Throws OpError{errno} (the current errno, or EIO if it is 0).
[[noreturn]] inline void throw_op_errno() { throw OpError{errno != 0 ? errno : EIO}; }

}  // namespace runz::p9
