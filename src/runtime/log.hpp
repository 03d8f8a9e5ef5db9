// runz's log: runc's logrus lines, appended to the --log file, so containerd's shim can read them.
//   json: {"level":"error","msg":"...","time":"2026-01-02T03:04:05Z"}
//   text: time="2026-01-02T03:04:05Z" level=error msg="..."
// Without --log, lines go to stderr. Debug lines appear only with --debug.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runz::runtime {

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

std::string_view to_string(LogLevel level);

// One line (with its trailing newline). `time` is rendered as RFC 3339 in UTC, to the second (logrus).
std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::chrono::system_clock::time_point time);

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

  bool has_file() const noexcept { return file_.has_value(); }
  bool debug_enabled() const noexcept { return debug_; }

 private:
  std::optional<std::filesystem::path> file_;
  LogFormat format_ = LogFormat::Text;
  bool debug_ = false;
};

}  // namespace runz::runtime
