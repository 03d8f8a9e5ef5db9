#include "shim-v2/grpc_errors.hpp"

#include <doctest/doctest.h>

#include <cerrno>

#include "runtime/errors.hpp"
#include "runtime/status.hpp"
#include "shim-v2/runtime_command.hpp"

using namespace runz::shim;
using runz::ErrorKind;
using ttrpc::Code;

namespace {
template <class E>
ttrpc::Status status_of(const E& e) {
  return to_status(std::make_exception_ptr(e));
}

// A failed `runz <verb>` whose JSON log line said `kind`.
RuntimeCommandError runz_failed(const std::string& verb, const std::string& message, ErrorKind kind) {
  return RuntimeCommandError(verb, 1, RuntimeFailure{message, kind, 0});
}
}  // namespace

TEST_CASE("each kind has its containerd code") {
  CHECK(code_for(ErrorKind::NotFound) == Code::NotFound);
  CHECK(code_for(ErrorKind::AlreadyExists) == Code::AlreadyExists);
  CHECK(code_for(ErrorKind::InvalidArgument) == Code::InvalidArgument);
  CHECK(code_for(ErrorKind::FailedPrecondition) == Code::FailedPrecondition);
  CHECK(code_for(ErrorKind::PermissionDenied) == Code::PermissionDenied);
  CHECK(code_for(ErrorKind::Unavailable) == Code::Unavailable);
  CHECK(code_for(ErrorKind::Timeout) == Code::DeadlineExceeded);
  CHECK(code_for(ErrorKind::Unimplemented) == Code::Unimplemented);
  CHECK(code_for(ErrorKind::Internal) == Code::Internal);
  CHECK(code_for(ErrorKind::Unknown) == Code::Unknown);
}

TEST_CASE("runz failures map by the kind runz reported, not by their words") {
  CHECK(status_of(runz_failed("kill", "container c does not exist", ErrorKind::NotFound)).code == Code::NotFound);
  CHECK(status_of(runz_failed("create", "container with id exists: c", ErrorKind::AlreadyExists)).code ==
        Code::AlreadyExists);
  CHECK(status_of(runz_failed("delete", "cannot delete container c that is not stopped: running",
                              ErrorKind::FailedPrecondition))
            .code == Code::FailedPrecondition);
  auto s = status_of(runz_failed("create", "runz needs a Xen dom0: no privcmd", ErrorKind::FailedPrecondition));
  CHECK(s.code == Code::FailedPrecondition);
  CHECK(s.message == "runz create: runz needs a Xen dom0: no privcmd");
  // The words alone decide nothing: the same sentence without a kind is Unknown (an older or crashed runz).
  CHECK(status_of(runz_failed("kill", "container c does not exist", ErrorKind::Unknown)).code == Code::Unknown);
  CHECK(status_of(RuntimeCommandError("kill", 2, {})).message == "runz kill: exit status 2");
  CHECK(status_of(RuntimeCommandError("kill", 2, {})).code == Code::Unknown);
}

TEST_CASE("to_status: in-process errors by their kind, in one place") {
  CHECK(status_of(ttrpc::RpcError(Code::Unimplemented, "x")).code == Code::Unimplemented);
  CHECK(status_of(RuntimeMissingError("run runtime `/x`: No such file", ENOENT)).code == Code::FailedPrecondition);
  CHECK(status_of(runz::runtime::ContainerNotExist("c")).code == Code::NotFound);
  CHECK(status_of(runz::runtime::ContainerExists("c")).code == Code::AlreadyExists);
  CHECK(status_of(runz::runtime::ContainerNotRunning()).code == Code::FailedPrecondition);
  CHECK(status_of(runz::runtime::StatusError(runz::runtime::Verb::Start, runz::spec::Status::Running, "c")).code ==
        Code::FailedPrecondition);
  // Context frames keep the kind: a wrapped status error is still FailedPrecondition.
  CHECK(status_of(runz::runtime::ContainerNotRunning().with_context("kill `c`")).code == Code::FailedPrecondition);
  CHECK(status_of(runz::Error("open x", ENOENT)).code == Code::NotFound);
  CHECK(status_of(runz::Error("bad", EINVAL)).code == Code::InvalidArgument);
  CHECK(status_of(runz::Error("denied", EACCES)).code == Code::PermissionDenied);
  CHECK(status_of(runz::Error("io", EIO)).code == Code::Internal);
  CHECK(status_of(std::runtime_error("boom")).code == Code::Internal);
}
