// NETWORK (docs/AGENT_PROTOCOL.md): the zone's NICs configured as the host described them, and the loopback.
//
// The agent's loop is single-threaded (one console writer, and children are forked from it), so there is no
// worker thread: a NetworkSetup does its work in steps the loop calls. Each step configures every interface
// whose link exists by now (a few netlink round trips, milliseconds) and returns; while netfront has not yet
// probed the next one, the loop polls again kLinkPollInterval later, serving other handles meanwhile.
#pragma once

#include "agent-proto/messages.hpp"
#include "guest/netlink.hpp"

#include <chrono>
#include <cstddef>

namespace runz::guest {

inline constexpr std::chrono::milliseconds kLinkPollInterval{50};
inline constexpr std::chrono::seconds kLinkWait{20};  // per interface, from when its turn came

// Configures one interface whose link (found by MAC) exists: renames it (moving a link that holds the name
// aside), sets the MTU, brings it up, adds its addresses, then its routes. Returns false, having done
// nothing, when no link has that MAC yet. Throws runz::Error "<name>: <step> <value>: <reason>".
bool configure_interface(Netlink& netlink, const agent_proto::NetInterface& nic);

// One NETWORK request in progress.
class NetworkSetup {
 public:
  using Clock = std::chrono::steady_clock;

  NetworkSetup(agent_proto::Network request, Clock::time_point now);

  // Configures the interfaces in order as far as their links exist; true once all are done. Throws
  // runz::Error for a failure, or ETIMEDOUT naming the MAC of a link that did not appear within kLinkWait.
  bool advance(Clock::time_point now);
  // When advance() should run again (it returned false).
  Clock::time_point next_try() const noexcept { return next_try_; }

 private:
  Netlink netlink_;
  agent_proto::Network request_;
  size_t next_ = 0;  // the first interface not yet configured
  Clock::time_point waiting_since_;
  Clock::time_point next_try_;
};

// Brings `lo` up (boot): the zone's loopback starts down, and containers expect 127.0.0.1.
void bring_up_loopback();

}  // namespace runz::guest
