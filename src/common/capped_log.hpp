// A log file with a byte budget. dom0 keeps per-container logs on /run (tmpfs, shared by all of dom0), and a
// zone controls what some of them say (console text, one backend line per xenstore write): without a cap a
// zone could fill dom0's memory through them. Once the file holds `cap_bytes`, one final note line is
// appended ("<name> capped at N bytes: further output dropped") and everything after it is dropped.
// The file's own size counts (other writers of the same file included), so a reopened log keeps its cap.
// Not thread-safe: callers serialize writes (see stderr_log() for the shared one).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/fd.hpp"

namespace runz {

class CappedLog {
 public:
  // Appends to `fd` (opened with O_APPEND, or a pipe/terminal: then only our own bytes count).
  CappedLog(UniqueFd fd, size_t cap_bytes, std::string name);
  // Opens (creating with `mode`) `path` for appending; throws runz::Error naming the path.
  // (A string, not std::filesystem::path: <filesystem> would bring std::quoted to every includer.)
  static CappedLog open(const std::string& path, size_t cap_bytes, mode_t mode = 0640);

  // Appends what still fits of `data`; at the cap, the note (once) and nothing more. Throws runz::Error
  // when a write fails.
  void write(std::string_view data);

  bool capped() const noexcept { return capped_; }
  size_t cap_bytes() const noexcept { return cap_bytes_; }
  // The line written at the cap, so callers (and tests) know the most a log can hold: cap + note.
  std::string note() const;

 private:
  size_t used_bytes() const;

  UniqueFd fd_;
  size_t cap_bytes_;
  std::string name_;
  size_t written_ = 0;      // what we wrote (a pipe has no size to ask)
  bool capped_ = false;     // the note is written: drop everything
  bool at_line_start_ = true;
};

// This process's stderr as a capped log, for processes whose stderr is a log file on dom0 (the monitor's
// monitor.log, the 9pfs backend's p9-backend.log). Until cap_stderr() is called, log_to_stderr() writes
// uncapped.
void cap_stderr(size_t cap_bytes, std::string name);
// Writes `line` to stderr through the cap (if any); never throws (a log line has nowhere better to go).
void log_to_stderr(std::string_view line) noexcept;

}  // namespace runz
