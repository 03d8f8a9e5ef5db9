#include "common/error.hpp"

#include <cerrno>
#include <cstring>

namespace runz {

Error Error::with_context(std::string_view context) const {
  return Error(std::string(context) + ": " + what(), errno_);
}

void throw_errno(std::string_view what) { throw_errno(what, errno); }

void throw_errno(std::string_view what, int errno_value) {
  throw Error(std::string(what) + ": " + std::strerror(errno_value), errno_value);
}

std::string quoted(std::string_view value) { return "`" + std::string(value) + "`"; }

}  // namespace runz
