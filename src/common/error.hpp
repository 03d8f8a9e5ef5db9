// The one error type of runz: a kind (what a caller can act on), an errno (0 when none applies) and a
// message that gains a context frame at each layer it crosses, e.g. "create `abc`: build domain 7: populate
// physmap: Cannot allocate memory". Values are quoted in backticks. The CLI renders the final message as
// runc's JSON log line, with the kind beside it ("kind":"not_found") so the shim need not parse English.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace runz {

// What went wrong, in the terms a caller decides on (containerd's errdefs, gRPC codes). Context frames never
// change it: "delete `abc`: container not running" is still FailedPrecondition.
enum class ErrorKind {
  Unknown,             // not classified (no errno, no typed error)
  NotFound,            // no such container, process, file
  AlreadyExists,       // the id or file is taken
  InvalidArgument,     // the caller's input is wrong (argv, config.json)
  FailedPrecondition,  // the request is valid but not in this state (container not running, host not dom0)
  PermissionDenied,
  Unavailable,         // try again later (busy, refused)
  Timeout,             // a deadline passed
  Unimplemented,
  Internal,            // a failure of runz or the host (an errno with no better kind)
};

// The wire name, snake_case ("not_found"), as the JSON log line and the monitor's answers carry it.
std::string_view to_string(ErrorKind kind);
// The kind of a wire name; nullopt for a name this runz does not know.
std::optional<ErrorKind> error_kind_from_string(std::string_view name);
// The kind an errno implies when the thrower named none: ENOENT NotFound, EEXIST AlreadyExists, ... ; 0 is
// Unknown, an errno with no closer kind Internal.
ErrorKind error_kind_from_errno(int errno_value);

class Error : public std::runtime_error {
 public:
  // The kind follows from the errno.
  explicit Error(const std::string& message, int errno_value = 0)
      : Error(message, error_kind_from_errno(errno_value), errno_value) {}
  Error(const std::string& message, ErrorKind kind, int errno_value = 0)
      : std::runtime_error(message), kind_(kind), errno_(errno_value) {}

  ErrorKind kind() const noexcept { return kind_; }
  // The errno behind this error, or 0.
  int code() const noexcept { return errno_; }

  // A copy of this error with "context: " in front of the message (same kind and errno). The copy is a
  // plain Error: callers that must tell errors apart after wrapping ask kind(), not the C++ type.
  Error with_context(std::string_view context) const;
  // A copy with another kind, for a layer that knows better (e.g. any failure of the host check is
  // FailedPrecondition to the caller, whatever the errno).
  Error with_kind(ErrorKind kind) const;

 private:
  ErrorKind kind_;
  int errno_;
};

// Throws Error("what: strerror(errno)", errno) using the current errno.
[[noreturn]] void throw_errno(std::string_view what);
// Same with an explicit errno value (for APIs that return -errno or an error code).
[[noreturn]] void throw_errno(std::string_view what, int errno_value);

// Runs f(); an Error escaping it is rethrown with `context` prefixed, keeping its kind and errno; another
// std::exception becomes an Error of kind Unknown.
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

// The kind of whatever was thrown: an Error's own, Unknown for anything else.
ErrorKind error_kind_of(const std::exception& error) noexcept;

// "`value`" — the quoting every message uses for values taken from input.
std::string quoted(std::string_view value);

}  // namespace runz
