// The status a ttrpc Response carries: a gRPC code (google/rpc/code.proto numbering, which containerd's
// errdefs turns back into ErrNotFound, ErrAlreadyExists, ...) and a message.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace runz::shim::ttrpc {

enum class Code : std::int32_t {
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
};

std::string_view to_string(Code code);

struct Status {
  Code code = Code::Ok;
  std::string message;
  bool ok() const noexcept { return code == Code::Ok; }
};

// An error whose gRPC code is already known where it is raised (e.g. "unknown method" is Unimplemented).
class RpcError : public Error {
 public:
  RpcError(Code code, const std::string& message) : Error(message), code_(code) {}
  Code code() const noexcept { return code_; }

 private:
  Code code_;
};

// Turns whatever a handler threw into a Status. The server takes one of these so that the mapping from
// runtime errors to codes lives in one place (the shim's grpc_errors.cpp); this default knows only RpcError
// (its code) and treats everything else as Internal.
using StatusMapper = std::function<Status(std::exception_ptr)>;
Status default_status_mapper(std::exception_ptr error);

}  // namespace runz::shim::ttrpc
