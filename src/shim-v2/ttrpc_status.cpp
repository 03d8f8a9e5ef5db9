#include "shim-v2/ttrpc_status.hpp"

namespace runz::shim::ttrpc {

std::string_view to_string(Code code) {
  switch (code) {
    case Code::Ok: return "OK";
    case Code::Cancelled: return "Canceled";
    case Code::Unknown: return "Unknown";
    case Code::InvalidArgument: return "InvalidArgument";
    case Code::DeadlineExceeded: return "DeadlineExceeded";
    case Code::NotFound: return "NotFound";
    case Code::AlreadyExists: return "AlreadyExists";
    case Code::PermissionDenied: return "PermissionDenied";
    case Code::ResourceExhausted: return "ResourceExhausted";
    case Code::FailedPrecondition: return "FailedPrecondition";
    case Code::Aborted: return "Aborted";
    case Code::OutOfRange: return "OutOfRange";
    case Code::Unimplemented: return "Unimplemented";
    case Code::Internal: return "Internal";
    case Code::Unavailable: return "Unavailable";
    case Code::DataLoss: return "DataLoss";
    case Code::Unauthenticated: return "Unauthenticated";
  }
  return "UnknownCode";
}

Status default_status_mapper(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const RpcError& e) {
    return {e.code(), e.what()};
  } catch (const std::exception& e) {
    return {Code::Internal, e.what()};
  } catch (...) {
    return {Code::Internal, "unknown error"};
  }
}

}  // namespace runz::shim::ttrpc
