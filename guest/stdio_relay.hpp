// A process's standard streams on the agent side: three pipes, or one pseudo-terminal master. Output is read
// in pieces of at most kMaxPayloadBytes and sent as STDOUT/STDERR frames; an empty frame marks EOF. STDIN
// frames are queued (bounded) and written as the process reads; an empty STDIN frame closes its stdin
// (on a terminal, sends the EOF character instead).
#pragma once

#include "common/fd.hpp"
#include "guest/console_channel.hpp"

#include <cstdint>
#include <string>

namespace runz::guest {

// Queued stdin beyond this is dropped (with a LOG line): the host has no flow control on the console.
inline constexpr size_t kMaxQueuedStdinBytes = 4u << 20;

class StdioRelay {
 public:
  StdioRelay() = default;
  StdioRelay(UniqueFd stdin_w, UniqueFd stdout_r, UniqueFd stderr_r);
  explicit StdioRelay(UniqueFd pty_master);

  bool terminal() const noexcept { return terminal_; }
  int stdout_fd() const noexcept { return out_.get(); }  // the master for a terminal
  int stderr_fd() const noexcept { return err_.get(); }
  // The descriptor to poll for POLLOUT, or -1 when nothing is queued.
  int stdin_poll_fd() const noexcept;

  // `fd` (stdout_fd() or stderr_fd()) is readable: relays what is there; sends EOF on end of stream.
  void on_readable(int fd, ConsoleChannel& console, uint32_t handle);
  void on_stdin_writable(ConsoleChannel& console);
  void queue_stdin(std::string_view bytes, ConsoleChannel& console);
  void resize(uint32_t height, uint32_t width);

  bool output_closed() const noexcept { return !out_ && !err_; }
  // Gives up on output still open (sending its EOF frames) and closes stdin.
  void close_all(ConsoleChannel& console, uint32_t handle);

 private:
  void close_output(bool is_stderr, ConsoleChannel& console, uint32_t handle);
  void close_stdin();

  bool terminal_ = false;
  UniqueFd in_;   // pipes: our write end; terminal: unused (the master is out_)
  UniqueFd out_;
  UniqueFd err_;
  std::string queued_;
  bool stdin_eof_ = false;    // EOF requested: close once queued_ is written
  bool stdin_closed_ = false;
  bool stdin_dropped_logged_ = false;
};

// A new pseudo-terminal: {master, slave}, window size set when height/width are non-zero.
std::pair<UniqueFd, UniqueFd> open_pty(uint32_t height, uint32_t width);

}  // namespace runz::guest
