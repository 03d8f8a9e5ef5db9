#include "shim-v2/grpc_errors.hpp"

#include <cerrno>

#include "runtime/errors.hpp"
#include "runtime/status.hpp"
#include "shim-v2/runtime_command.hpp"

namespace runz::shim {

using ttrpc::Code;

ttrpc::Code code_for_runtime_message(std::string_view m) {
  auto has = [&](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (m.starts_with("container ") && m.ends_with(" does not exist")) return Code::NotFound;
  if (has("container with id exists")) return Code::AlreadyExists;
  if (has("container not running") || has("container not paused") || has("cannot start ") ||
      has("cannot delete ") || has("not stopped")) {
    return Code::FailedPrecondition;
  }
  if (has("Xen")) return Code::FailedPrecondition;
  return Code::Unknown;
}

ttrpc::Status to_status(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ttrpc::RpcError& e) {
    return {e.code(), e.what()};
  } catch (const RuntimeCommandError& e) {
    return {code_for_runtime_message(e.runtime_message()), e.what()};
  } catch (const RuntimeMissingError& e) {
    return {Code::FailedPrecondition, e.what()};
  } catch (const runtime::ContainerNotExist& e) {
    return {Code::NotFound, e.what()};
  } catch (const runtime::ContainerExists& e) {
    return {Code::AlreadyExists, e.what()};
  } catch (const runtime::ContainerNotRunning& e) {
    return {Code::FailedPrecondition, e.what()};
  } catch (const runtime::StatusError& e) {
    return {Code::FailedPrecondition, e.what()};
  } catch (const Error& e) {
    switch (e.code()) {
      case ENOENT: return {Code::NotFound, e.what()};
      case EEXIST: return {Code::AlreadyExists, e.what()};
      case EINVAL: return {Code::InvalidArgument, e.what()};
      case EPERM:
      case EACCES: return {Code::PermissionDenied, e.what()};
      case ENOSYS:
      case EOPNOTSUPP: return {Code::Unimplemented, e.what()};
      default: return {Code::Internal, e.what()};
    }
  } catch (const std::exception& e) {
    return {Code::Internal, e.what()};
  } catch (...) {
    return {Code::Internal, "unknown error"};
  }
}

}  // namespace runz::shim
