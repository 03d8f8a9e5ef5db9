// The agent's end of the control channel: /dev/hvc0 in raw mode (or stdin/stdout in the test transport),
// framed with runz::agent_proto. The agent process is the only writer: container processes never touch the
// console, their output reaches the agent through pipes and goes out as whole frames, one write loop each,
// so frames of different processes never interleave.
#pragma once

#include "agent-proto/decoder.hpp"
#include "agent-proto/frame.hpp"
#include "common/fd.hpp"

#include <string_view>
#include <vector>

namespace runz::guest {

class ConsoleChannel {
 public:
  // `in` is read, `out` is written; they may be the same descriptor (then `out` is invalid).
  ConsoleChannel(UniqueFd in, UniqueFd out);

  // Opens a PV console device (/dev/hvc0) read-write, raw mode, no echo.
  static ConsoleChannel open_device(const char* path);
  // Uses descriptors 0 and 1 (the --transport=stdio test mode); no terminal settings.
  static ConsoleChannel stdio();

  int read_fd() const noexcept { return in_.get(); }

  // Reads what is available and decodes it into `events`; false at end of input.
  bool read_events(std::vector<agent_proto::Event>& events);

  // Writes one frame whole (waits while the channel is full). Throws runz::Error on write errors.
  void send(agent_proto::MessageType type, uint32_t stream, std::string_view payload);
  void send_encoded(std::string_view frame);
  // Helpers for the common frames.
  void send_error(uint32_t stream, std::string_view step, int errno_value, std::string_view message);
  void log(std::string_view line);

 private:
  int write_fd() const noexcept { return out_ ? out_.get() : in_.get(); }

  UniqueFd in_;
  UniqueFd out_;
  agent_proto::Decoder decoder_;
};

}  // namespace runz::guest
