// Carries window-size changes of host terminals over to the zone. A process with `terminal: true` gets a pty
// inside its zone; on the host, runz hands the console-socket receiver (containerd's shim, Docker, a user's
// recvtty) the master of a host pty whose slave the monitor relays. The receiver resizes that host pty, so
// its size has to reach the zone's pty as a RESIZE frame. Polled, not signalled: SIGWINCH goes only to a
// terminal's own session, and one monitor relays several terminals (the main process and exec'd ones).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agent-proto/messages.hpp"

namespace runz::xen {

class TerminalResizes {
 public:
  // `terminals`: (agent handle, host fd) of each running process that has a terminal. Returns the RESIZE
  // frames for sizes that changed since the last call (a size of 0x0 is never sent: nobody set one yet)
  // and forgets handles no longer listed. A fd that is not a terminal is skipped.
  std::string changed_frames(const std::vector<std::pair<uint32_t, int>>& terminals);

 private:
  std::map<uint32_t, agent_proto::Resize> sent_;
};

}  // namespace runz::xen
