#include "common/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>

namespace runz {
namespace {

struct KindName {
  ErrorKind kind;
  std::string_view name;
};

// One table for both directions, so a name cannot be written one way and read another.
constexpr std::array<KindName, 10> kKindNames{{
    {ErrorKind::Unknown, "unknown"},
    {ErrorKind::NotFound, "not_found"},
    {ErrorKind::AlreadyExists, "already_exists"},
    {ErrorKind::InvalidArgument, "invalid_argument"},
    {ErrorKind::FailedPrecondition, "failed_precondition"},
    {ErrorKind::PermissionDenied, "permission_denied"},
    {ErrorKind::Unavailable, "unavailable"},
    {ErrorKind::Timeout, "timeout"},
    {ErrorKind::Unimplemented, "unimplemented"},
    {ErrorKind::Internal, "internal"},
}};

}  // namespace

std::string_view to_string(ErrorKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "unknown";
}

std::optional<ErrorKind> error_kind_from_string(std::string_view name) {
  for (const KindName& entry : kKindNames) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

ErrorKind error_kind_from_errno(int errno_value) {
  switch (errno_value) {
    case 0: return ErrorKind::Unknown;
    case ENOENT:
    case ESRCH: return ErrorKind::NotFound;
    case EEXIST: return ErrorKind::AlreadyExists;
    case EINVAL:
    case ENAMETOOLONG: return ErrorKind::InvalidArgument;
    case EPERM:
    case EACCES: return ErrorKind::PermissionDenied;
    case EAGAIN:
    case EBUSY:
    case ECONNREFUSED: return ErrorKind::Unavailable;
    case ETIMEDOUT: return ErrorKind::Timeout;
    case ENOSYS:
    case EOPNOTSUPP: return ErrorKind::Unimplemented;
    default: return ErrorKind::Internal;
  }
}

Error Error::with_context(std::string_view context) const {
  return Error(std::string(context) + ": " + what(), kind_, errno_);
}

Error Error::with_kind(ErrorKind kind) const { return Error(what(), kind, errno_); }

ErrorKind error_kind_of(const std::exception& error) noexcept {
  const auto* runz_error = dynamic_cast<const Error*>(&error);
  return runz_error ? runz_error->kind() : ErrorKind::Unknown;
}

void throw_errno(std::string_view what) { throw_errno(what, errno); }

void throw_errno(std::string_view what, int errno_value) {
  throw Error(std::string(what) + ": " + std::strerror(errno_value), errno_value);
}

std::string quoted(std::string_view value) { return "`" + std::string(value) + "`"; }

}  // namespace runz
