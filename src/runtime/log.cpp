#include "runtime/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/capped_log.hpp"
#include "common/fd.hpp"

namespace runz::runtime {
namespace {

std::string rfc3339_seconds(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// Go's %q as logrus' text formatter uses it for values that need quoting.
std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}


}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "error";
}

ErrorFields error_fields(const std::exception& error) noexcept {
  const auto* runz_error = dynamic_cast<const Error*>(&error);
  return {error_kind_of(error), runz_error ? runz_error->code() : 0};
}

std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::chrono::system_clock::time_point time, const std::optional<ErrorFields>& fields) {
  const std::string when = rfc3339_seconds(time);
  if (format == LogFormat::Json) {
    // nlohmann::json keeps keys sorted, which is logrus' order: (errno, kind,) level, msg, time.
    nlohmann::json line = {{"level", to_string(level)}, {"msg", message}, {"time", when}};
    if (fields) {
      line["kind"] = to_string(fields->kind);
      if (fields->errno_value != 0) line["errno"] = fields->errno_value;
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string line = "time=" + go_quote(when) + " level=" + std::string(to_string(level)) + " msg=" + go_quote(message);
  if (fields) {
    // logrus' text formatter: time, level, msg, then the other fields by name; these need no quoting.
    if (fields->errno_value != 0) line += " errno=" + std::to_string(fields->errno_value);
    line += " kind=" + std::string(to_string(fields->kind));
  }
  return line + "\n";
}

void Logger::log(LogLevel level, std::string_view message) const noexcept { write(level, message, std::nullopt); }

void Logger::error(const std::exception& error) const noexcept {
  write(LogLevel::Error, error.what(), error_fields(error));
}

void Logger::write(LogLevel level, std::string_view message, const std::optional<ErrorFields>& fields) const noexcept {
  if (level == LogLevel::Debug && !debug_) return;
  try {
    const std::string line = format_log_line(format_, level, message, std::chrono::system_clock::now(), fields);
    if (!file_) {
      log_to_stderr(line);  // capped where stderr is a log on dom0 (the monitor's); never throws
      return;
    }
    UniqueFd fd(::open(file_->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
    if (fd) (void)try_write_all(fd.get(), line);
  } catch (...) {
    // Formatting allocates; out of memory while logging leaves nothing useful to do.
  }
}

}  // namespace runz::runtime
