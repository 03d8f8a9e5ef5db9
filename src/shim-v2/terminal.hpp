// A task's or exec's terminal in the shim (CreateTaskRequest/ExecProcessRequest.terminal). runz makes the
// pty and sends its master over a console socket, as runc does; the shim copies containerd's stdin fifo into
// the master and the master's output into the stdout fifo (a terminal has no separate stderr), and
// ResizePty sets the master's window size, which runz carries over to the pty inside the zone.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/fd.hpp"
#include "shim-v2/process_io.hpp"
#include "shim-v2/runtime_command.hpp"

namespace runz::shim {

// A listening socket for `runz ... --console-socket`; the socket file goes away with it.
class ConsoleSocket {
 public:
  explicit ConsoleSocket(std::filesystem::path path);
  ~ConsoleSocket();
  ConsoleSocket(const ConsoleSocket&) = delete;
  ConsoleSocket& operator=(const ConsoleSocket&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // The pty master runz sent (call after runz returned: it has connected and sent by then).
  UniqueFd receive_master(std::chrono::milliseconds timeout);

 private:
  std::filesystem::path path_;
  UniqueFd listener_;
};

class Terminal {
 public:
  // Starts the copies. `in` may be invalid (nothing typed), `out` too (the output is dropped).
  Terminal(UniqueFd master, UniqueFd in, UniqueFd out);
  ~Terminal();  // stops both copies
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  void resize(uint32_t width, uint32_t height);
  // Waits (at most `timeout`) until the output copy ended: every process holding the pty's other side is
  // gone and what it wrote reached the fifo. Call before publishing the process's exit.
  void drain_output(std::chrono::milliseconds timeout);

 private:
  void copy_input() noexcept;
  void copy_output() noexcept;

  UniqueFd master_, in_, out_;
  UniqueFd stop_;  // eventfd: the copies end
  UniqueFd output_done_;  // eventfd: copy_output ended
  std::thread input_, output_;
};

// A process's stdio for the one runz call that starts it (create, exec): without a terminal, containerd's
// fifos themselves are runz's stdio (the monitor relays them); with one, `--console-socket` goes on runz's
// command line and, once runz returned, take_terminal() receives the master and starts the copies.
// A binary:// logger is started here and outlives the call (take_logger).
class RuntimeStdio {
 public:
  RuntimeStdio(bool terminal, std::string_view in, std::string_view out, std::string_view err,
               const StdioOwner& owner, const std::filesystem::path& console_socket, std::vector<std::string>& args);
  RunOptions options(const std::filesystem::path& log_file) const;
  std::unique_ptr<Terminal> take_terminal();  // nullptr without a terminal
  std::unique_ptr<LogBinary> take_logger();   // nullptr without binary://

 private:
  TaskStdio fds_;     // runz's stdio
  TaskStdio tty_io_;  // with a terminal: what the copies read and write
  std::optional<ConsoleSocket> console_;
};

}  // namespace runz::shim
