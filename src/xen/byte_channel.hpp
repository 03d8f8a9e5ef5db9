// The byte stream an agent session talks over (agent_session.hpp): in a zone the primary PV console
// (pv_console_channel.hpp), in unit tests a socket. Kept this small so the session knows nothing of Xen.
//
// Threads: the session's pump thread alone calls fd(), handle_event(), read_available() and write_some();
// diagnostics() may be called from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace runz::xen {

class ByteChannel {
 public:
  virtual ~ByteChannel() = default;
  // A fd to poll for POLLIN: readable when the far end wrote (or notified).
  virtual int fd() const = 0;
  // Acknowledges what made fd() readable. Called when fd() polled readable, before read_available().
  virtual void handle_event() = 0;
  // Copies what the far end wrote into dst; returns the byte count (0: nothing waiting). Never blocks.
  virtual size_t read_available(std::span<std::byte> dst) = 0;
  // Writes as much of data as fits now; returns the byte count. Never blocks.
  virtual size_t write_some(std::span<const std::byte> data) = 0;
  // The channel's own state for timeout messages (ring indexes), or "" when it has none to tell.
  virtual std::string diagnostics() const = 0;
};

}  // namespace runz::xen
