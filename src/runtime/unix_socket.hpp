// Unix stream sockets by path, with paths longer than sun_path (108 bytes) reached through the parent
// directory's /proc/self/fd entry, and newline-delimited messages.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/fd.hpp"

namespace runz::runtime {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Binds and listens (SOCK_CLOEXEC); an existing socket file at `path` is replaced.
UniqueFd listen_unix(const std::filesystem::path& path);
// Connects; throws runz::Error carrying the errno (ENOENT, ECONNREFUSED...) on failure.
UniqueFd connect_unix(const std::filesystem::path& path);

void send_all(int fd, std::string_view data);
// Reads up to and without the '\n'. nullopt on EOF before a full line. Throws on errors and lines over
// kMaxLineBytes. `timeout` (SO_RCVTIMEO) bounds each read when given.
std::optional<std::string> read_line(int fd, std::optional<std::chrono::milliseconds> timeout = std::nullopt);

}  // namespace runz::runtime
