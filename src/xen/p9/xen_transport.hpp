// The Xen 9pfs transport for one ring (xen/io/9pfs.h): maps what the frontend granted, binds its event
// channel, and moves 9P messages between the ring (ring.hpp) and the server core (server.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "xen/p9/ring.hpp"
#include "xen/p9/server.hpp"
#include "xen/p9/xen_ports.hpp"

namespace runz::p9 {

// Requests served per wake-up of one ring before the loop looks at other devices.
constexpr int kMaxRequestsPerWake = 64;

class RingConnection {
 public:
  // Maps interface page `ring_ref` of `domid`, checks its ring_order (kMin..kMaxRingPageOrder, else
  // runz::Error EPROTO), copies its grant refs once, maps the data pages and binds `remote_port`.
  static std::unique_ptr<RingConnection> connect(GrantMapper& gnt, EventChannels& evtchn, uint32_t domid,
                                                 uint32_t ring_ref, uint32_t remote_port);

  uint32_t local_port() const noexcept { return port_->local_port(); }
  uint32_t ring_bytes() const noexcept { return ring_.ring_bytes(); }

  // Serves queued requests: stops when none is queued, when the in ring has no room for the next
  // response (kept until the frontend makes room), or after kMaxRequestsPerWake. Notifies the frontend
  // if anything moved. Returns true if work may remain. Throws RingError on a protocol violation.
  bool service(Server& server);

 private:
  RingConnection(std::unique_ptr<GrantMapping> intf, std::unique_ptr<GrantMapping> data,
                 std::unique_ptr<BoundPort> port, uint32_t order);
  std::unique_ptr<GrantMapping> intf_;
  std::unique_ptr<GrantMapping> data_;
  std::unique_ptr<BoundPort> port_;
  Ring ring_;
  std::vector<uint8_t> pending_;  // a response waiting for room in the in ring
};

}  // namespace runz::p9
