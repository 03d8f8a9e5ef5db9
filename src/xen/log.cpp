#include "xen/log.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "common/capped_log.hpp"

namespace runz::xen {
namespace {

std::mutex g_mutex;
LogSink g_sink;  // guarded by g_mutex; empty = stderr

LogLevel initial_level() {
  const char* debug = std::getenv("RUNZ_XEN_DEBUG");
  return (debug != nullptr && std::strcmp(debug, "1") == 0) ? LogLevel::debug : LogLevel::info;
}

std::atomic<LogLevel> g_level{initial_level()};

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "?";
}

void write_stderr(LogLevel level, std::string_view message) {
  std::string line = "runz-xen: ";
  line += level_name(level);
  line += ": ";
  line += message;
  line += '\n';
  // One write(2) per line so concurrent writers do not interleave within a line; capped where stderr is a
  // log on dom0 (the monitor's monitor.log: common/capped_log.hpp).
  log_to_stderr(line);
}

}  // namespace

void set_log_sink(LogSink sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

void set_log_level(LogLevel level) { g_level.store(level); }

void log(LogLevel level, std::string_view message) noexcept {
  if (level < g_level.load()) return;
  try {
    std::lock_guard lock(g_mutex);
    if (g_sink) {
      g_sink(level, message);
    } else {
      write_stderr(level, message);
    }
  } catch (...) {
    // A sink that throws (or a failed allocation) must not take a destructor down with it.
  }
}

}  // namespace runz::xen
