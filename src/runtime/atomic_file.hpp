// Crash-safe file replacement: a reader sees the old content or the new, never a torn file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runz::runtime {

// Writes `data` to a temp file beside `path` (same directory), fsyncs it, renames it over `path`, then
// fsyncs the directory. The temp file is removed on failure. Throws runz::Error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view data, mode_t mode = 0600);

// --pid-file: the pid in decimal, 0644 (a shim reads it), written atomically; a relative path is taken
// from the current directory, as runc does.
void write_pid_file(const std::filesystem::path& path, pid_t pid);
// What write_pid_file wrote (a shim reading runz's --pid-file). Throws runz::Error when there is no pid in it.
pid_t read_pid_file(const std::filesystem::path& path);

// The whole file; nullopt when it does not exist. Throws runz::Error on other failures.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

}  // namespace runz::runtime
