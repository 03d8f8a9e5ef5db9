// Unix stream sockets by path, with paths longer than sun_path (108 bytes) reached through the parent
// directory's /proc/self/fd entry, and newline-delimited messages.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"

namespace runz::runtime {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Binds and listens (SOCK_CLOEXEC); an existing socket file at `path` is replaced.
UniqueFd listen_unix(const std::filesystem::path& path);
// Connects; throws runz::Error carrying the errno (ENOENT, ECONNREFUSED...) on failure.
UniqueFd connect_unix(const std::filesystem::path& path);

void send_all(int fd, std::string_view data);
// Sends `data` with `fds` attached (SCM_RIGHTS) in one sendmsg (a short write is completed as send_all).
void send_with_fds(int fd, std::string_view data, const std::vector<int>& fds);
// read_line for a line sent with send_with_fds: the received descriptors (close-on-exec) go to `fds`. At
// most kMaxPassedFds are accepted; more is an error (and they are closed).
inline constexpr std::size_t kMaxPassedFds = 4;
std::optional<std::string> read_line_with_fds(int fd, std::vector<UniqueFd>& fds,
                                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);
// One message of runc's console-socket protocol (the pty's name, no newline, the master attached): returns
// the one descriptor. Throws on EOF, no or several descriptors, or after `timeout` (SO_RCVTIMEO).
UniqueFd receive_console_master(int fd, std::chrono::milliseconds timeout);
// Reads up to and without the '\n'. nullopt on EOF before a full line. Throws on errors and lines over
// kMaxLineBytes. `timeout` (SO_RCVTIMEO) bounds each read when given.
std::optional<std::string> read_line(int fd, std::optional<std::chrono::milliseconds> timeout = std::nullopt);

}  // namespace runz::runtime
