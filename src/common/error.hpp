// The one error type of runz: an errno (0 when none applies) plus a message that gains a context frame at
// each layer it crosses, e.g. "create `abc`: build domain 7: populate physmap: Cannot allocate memory".
// Values are quoted in backticks. The CLI renders the final message as runc's JSON log line.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace runz {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int errno_value = 0)
      : std::runtime_error(message), errno_(errno_value) {}

  // The errno behind this error, or 0.
  int code() const noexcept { return errno_; }

  // A copy of this error with "context: " in front of the message (same errno).
  Error with_context(std::string_view context) const;

 private:
  int errno_;
};

// Throws Error("what: strerror(errno)", errno) using the current errno.
[[noreturn]] void throw_errno(std::string_view what);
// Same with an explicit errno value (for APIs that return -errno or an error code).
[[noreturn]] void throw_errno(std::string_view what, int errno_value);

// Runs f(); an Error (or std::exception) escaping it is rethrown as runz::Error with `context` prefixed.
template <class F>
decltype(auto) with_context(std::string_view context, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const Error& e) {
    throw e.with_context(context);
  } catch (const std::exception& e) {
    throw Error(std::string(context) + ": " + e.what());
  }
}

// "`value`" — the quoting every message uses for values taken from input.
std::string quoted(std::string_view value);

}  // namespace runz
