#include "shim-v2/grpc_errors.hpp"

#include <doctest/doctest.h>

#include <cerrno>

#include "runtime/errors.hpp"
#include "shim-v2/runtime_command.hpp"

using namespace runz::shim;
using ttrpc::Code;

namespace {
template <class E>
ttrpc::Status status_of(const E& e) {
  return to_status(std::make_exception_ptr(e));
}
}  // namespace

TEST_CASE("runz's messages map to containerd's codes") {
  CHECK(code_for_runtime_message("container abc does not exist") == Code::NotFound);
  CHECK(code_for_runtime_message("container with id exists: abc") == Code::AlreadyExists);
  CHECK(code_for_runtime_message("container not running") == Code::FailedPrecondition);
  CHECK(code_for_runtime_message("cannot start an already running container") == Code::FailedPrecondition);
  CHECK(code_for_runtime_message("cannot delete container abc that is not stopped: running") == Code::FailedPrecondition);
  CHECK(code_for_runtime_message("runz needs a Xen dom0: /proc/xen/capabilities not found") == Code::FailedPrecondition);
  CHECK(code_for_runtime_message("something else") == Code::Unknown);
  // Only runz's own "container X does not exist" is NotFound, not any sentence that ends that way.
  CHECK(code_for_runtime_message("option 'x' does not exist") == Code::Unknown);
}

TEST_CASE("to_status: each error kind, in one place") {
  CHECK(status_of(ttrpc::RpcError(Code::Unimplemented, "x")).code == Code::Unimplemented);
  auto s = status_of(RuntimeCommandError("create", 1, "runz needs a Xen dom0: no privcmd"));
  CHECK(s.code == Code::FailedPrecondition);
  CHECK(s.message == "runz create: runz needs a Xen dom0: no privcmd");
  CHECK(status_of(RuntimeCommandError("kill", 1, "container c does not exist")).code == Code::NotFound);
  CHECK(status_of(RuntimeCommandError("kill", 2, "")).message == "runz kill: exit status 2");
  CHECK(status_of(RuntimeMissingError("run runtime `/x`: No such file", ENOENT)).code == Code::FailedPrecondition);
  CHECK(status_of(runz::runtime::ContainerNotExist("c")).code == Code::NotFound);
  CHECK(status_of(runz::runtime::ContainerExists("c")).code == Code::AlreadyExists);
  CHECK(status_of(runz::runtime::ContainerNotRunning()).code == Code::FailedPrecondition);
  CHECK(status_of(runz::Error("open x", ENOENT)).code == Code::NotFound);
  CHECK(status_of(runz::Error("bad", EINVAL)).code == Code::InvalidArgument);
  CHECK(status_of(runz::Error("denied", EACCES)).code == Code::PermissionDenied);
  CHECK(status_of(runz::Error("io", EIO)).code == Code::Internal);
  CHECK(status_of(std::runtime_error("boom")).code == Code::Internal);
}
