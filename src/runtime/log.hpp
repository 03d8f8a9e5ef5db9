// runz's log: runc's logrus lines, appended to the --log file, so containerd's shim can read them.
//   json: {"level":"error","msg":"...","time":"2026-01-02T03:04:05Z"}
//   text: time="2026-01-02T03:04:05Z" level=error msg="..."
// The line of a failed command also names the error's kind and errno, as logrus fields (sorted keys; runc's
// readers ignore fields they do not know), so our shim maps it to a gRPC code without reading the message:
//   json: {"errno":2,"kind":"not_found","level":"error","msg":"...","time":"..."}
//   text: time="..." level=error msg="..." errno=2 kind=not_found
// ("errno" only when there is one).
// Without --log, lines go to stderr. Debug lines appear only with --debug.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace runz::runtime {

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

std::string_view to_string(LogLevel level);

// The machine-readable fields of an error line.
struct ErrorFields {
  ErrorKind kind = ErrorKind::Unknown;
  int errno_value = 0;  // 0: not written
};
ErrorFields error_fields(const std::exception& error) noexcept;

// One line (with its trailing newline). `time` is rendered as RFC 3339 in UTC, to the second (logrus).
std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::chrono::system_clock::time_point time,
                            const std::optional<ErrorFields>& fields = std::nullopt);

class Logger {
 public:
  Logger() = default;
  Logger(std::optional<std::filesystem::path> file, LogFormat format, bool debug)
      : file_(std::move(file)), format_(format), debug_(debug) {}

  void log(LogLevel level, std::string_view message) const noexcept;
  void debug(std::string_view message) const noexcept { log(LogLevel::Debug, message); }
  void info(std::string_view message) const noexcept { log(LogLevel::Info, message); }
  void warn(std::string_view message) const noexcept { log(LogLevel::Warning, message); }
  void error(std::string_view message) const noexcept { log(LogLevel::Error, message); }
  // The line of a command that failed: what() with the error's kind and errno.
  void error(const std::exception& error) const noexcept;

  bool has_file() const noexcept { return file_.has_value(); }
  bool debug_enabled() const noexcept { return debug_; }

 private:
  void write(LogLevel level, std::string_view message, const std::optional<ErrorFields>& fields) const noexcept;

  std::optional<std::filesystem::path> file_;
  LogFormat format_ = LogFormat::Text;
  bool debug_ = false;
};

}  // namespace runz::runtime
