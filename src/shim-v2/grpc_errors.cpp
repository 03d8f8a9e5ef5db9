#include "shim-v2/grpc_errors.hpp"

namespace runz::shim {

using ttrpc::Code;

ttrpc::Code code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return Code::NotFound;
    case ErrorKind::AlreadyExists: return Code::AlreadyExists;
    case ErrorKind::InvalidArgument: return Code::InvalidArgument;
    case ErrorKind::FailedPrecondition: return Code::FailedPrecondition;
    case ErrorKind::PermissionDenied: return Code::PermissionDenied;
    case ErrorKind::Unavailable: return Code::Unavailable;
    case ErrorKind::Timeout: return Code::DeadlineExceeded;
    case ErrorKind::Unimplemented: return Code::Unimplemented;
    case ErrorKind::Internal: return Code::Internal;
    case ErrorKind::Unknown: return Code::Unknown;
  }
  return Code::Unknown;
}

ttrpc::Status to_status(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ttrpc::RpcError& e) {
    return {e.code(), e.what()};
  } catch (const Error& e) {
    return {code_for(e.kind()), e.what()};
  } catch (const std::exception& e) {
    return {Code::Internal, e.what()};
  } catch (...) {
    return {Code::Internal, "unknown error"};
  }
}

}  // namespace runz::shim
