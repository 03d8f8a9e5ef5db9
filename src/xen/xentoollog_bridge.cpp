#include "xen/xentoollog_bridge.hpp"

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xentoollog.h>
}

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "xen/log.hpp"

namespace runz::xen {
namespace {

LogLevel to_log_level(xentoollog_level level) {
  if (level >= XTL_ERROR) return LogLevel::error;
  if (level >= XTL_WARN) return LogLevel::warning;
  if (level >= XTL_INFO) return LogLevel::info;
  return LogLevel::debug;
}

__attribute__((format(printf, 5, 0))) void bridge_vmessage(xentoollog_logger* /*logger*/,
                                                             xentoollog_level level, int errnoval,
                                                             const char* context, const char* format,
                                                             va_list args) {
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof(buf), format, args);
  if (n < 0) return;
  std::string line = context != nullptr ? std::string(context) + ": " : std::string();
  line += buf;
  if (errnoval >= 0) {
    line += ": ";
    line += std::strerror(errnoval);
  }
  log(to_log_level(level), line);
}

void bridge_destroy(xentoollog_logger* /*logger*/) {}

xentoollog_logger g_bridge = {bridge_vmessage, nullptr, bridge_destroy};

}  // namespace

xentoollog_logger* xentoollog_bridge() noexcept { return &g_bridge; }

}  // namespace runz::xen
