#include "xen/p9/xen_transport.hpp"

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace runz::p9 {

std::unique_ptr<RingConnection> RingConnection::connect(GrantMapper& gnt, EventChannels& evtchn, uint32_t domid,
                                                        uint32_t ring_ref, uint32_t remote_port) {
  const uint32_t intf_ref[1] = {ring_ref};
  auto intf = gnt.map(domid, intf_ref);
  if (intf->bytes() < kXenPageBytes) throw Error("9pfs interface page mapping too small", EPROTO);
  // Read the guest's ring_order and refs exactly once, into our memory.
  uint32_t order = 0;
  std::memcpy(&order, intf->data() + kIntfRingOrder, sizeof order);
  if (order < kMinRingPageOrder || order > kMaxRingPageOrder) {
    throw Error("9pfs ring_order " + quoted(std::to_string(order)) + " out of range", EPROTO);
  }
  std::vector<uint32_t> refs(size_t{1} << order);
  std::memcpy(refs.data(), intf->data() + kIntfRefs, refs.size() * sizeof(uint32_t));
  auto data = gnt.map(domid, refs);
  if (data->bytes() < 2 * static_cast<size_t>(ring_bytes_for_order(order))) {
    throw Error("9pfs data mapping too small", EPROTO);
  }
  auto port = evtchn.bind(domid, remote_port);
  return std::unique_ptr<RingConnection>(new RingConnection(std::move(intf), std::move(data), std::move(port), order));
}

RingConnection::RingConnection(std::unique_ptr<GrantMapping> intf, std::unique_ptr<GrantMapping> data,
                               std::unique_ptr<BoundPort> port, uint32_t order)
    : intf_(std::move(intf)),
      data_(std::move(data)),
      port_(std::move(port)),
      ring_(intf_->data(), data_->data(), order) {}

bool RingConnection::service(Server& server) {
  bool moved = false;
  bool more = false;
  for (int served = 0;; ++served) {
    if (!pending_.empty()) {
      if (!ring_.can_write(pending_.size())) break;  // the frontend notifies us once it has read
      ring_.write_response(pending_);
      pending_.clear();
      moved = true;
    }
    if (served == kMaxRequestsPerWake) {
      more = true;
      break;
    }
    auto request = ring_.next_request(server.msize());
    if (!request) break;
    moved = true;
    pending_ = server.handle(*request);
  }
  if (moved) port_->notify();
  return more;
}

}  // namespace runz::p9
