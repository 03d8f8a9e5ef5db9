// Logging for the Xen toolstack. Destructors cannot throw, so a failing release is reported here instead
// (STYLE item 6), and every domain-builder step logs one line carrying its domid (item 7).
//
// The default sink writes "runz-xen: <level>: <message>" to stderr. The monitor can install its own sink
// (for example one that writes its JSON log). The sink is process-wide; set it before starting threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace runz::xen {

enum class LogLevel { debug, info, warning, error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

// Replaces the process-wide sink; an empty function restores the default stderr sink.
void set_log_sink(LogSink sink);
// Messages below this level are dropped (default: info; RUNZ_XEN_DEBUG=1 in the environment lowers it to debug).
void set_log_level(LogLevel level);

void log(LogLevel level, std::string_view message) noexcept;

inline void log_debug(std::string_view m) noexcept { log(LogLevel::debug, m); }
inline void log_info(std::string_view m) noexcept { log(LogLevel::info, m); }
inline void log_warning(std::string_view m) noexcept { log(LogLevel::warning, m); }
inline void log_error(std::string_view m) noexcept { log(LogLevel::error, m); }

}  // namespace runz::xen
