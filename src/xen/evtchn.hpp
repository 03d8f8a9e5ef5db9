// libxenevtchn, wrapped: an open event channel device (EvtchnHandle) and a bound local port (EvtchnPort,
// unbound in its destructor). This file and evtchn.cpp are the only place that calls xenevtchn_*.
//
// Usage: bind, poll fd() for POLLIN, then pending() names the port that fired; unmask() it once handled,
// or it will not fire again.
#pragma once

#include <cstdint>
#include <optional>

#include "xen/xc.hpp"

struct xenevtchn_handle;

namespace runz::xen {

class EvtchnPort;

class EvtchnHandle {
 public:
  static EvtchnHandle open();

  EvtchnHandle(EvtchnHandle&& other) noexcept;
  EvtchnHandle& operator=(EvtchnHandle&& other) noexcept;
  EvtchnHandle(const EvtchnHandle&) = delete;
  EvtchnHandle& operator=(const EvtchnHandle&) = delete;
  ~EvtchnHandle();

  // Polls readable when some bound port has fired.
  int fd() const;
  // From now on this handle binds only to ports of `domid` (IOCTL_EVTCHN_RESTRICT_DOMID; no VIRQ, no
  // unbound port either). One way: there is no lifting it.
  void restrict_to(DomId domid);
  // Binds to `remote_port` of `domid` (an unbound port the domain allocated for us).
  EvtchnPort bind_interdomain(DomId domid, uint32_t remote_port);
  // The next port that fired, or nullopt if none. Only call after fd() polled readable: the underlying
  // read may block otherwise (see xenevtchn.h).
  std::optional<uint32_t> pending();
  void unmask(uint32_t local_port);
  void notify(uint32_t local_port);

 private:
  friend class EvtchnPort;
  explicit EvtchnHandle(xenevtchn_handle* h) noexcept : h_(h) {}
  void close() noexcept;
  xenevtchn_handle* h_ = nullptr;
};

// A bound local port; unbound in the destructor. The EvtchnHandle must outlive it (it may be moved).
class EvtchnPort {
 public:
  EvtchnPort() noexcept = default;
  EvtchnPort(EvtchnPort&& other) noexcept;
  EvtchnPort& operator=(EvtchnPort&& other) noexcept;
  EvtchnPort(const EvtchnPort&) = delete;
  EvtchnPort& operator=(const EvtchnPort&) = delete;
  ~EvtchnPort();

  bool bound() const noexcept { return h_ != nullptr; }
  uint32_t local_port() const noexcept { return port_; }
  void notify();
  void unmask();
  void reset() noexcept;

 private:
  friend class EvtchnHandle;
  // Holds the C handle (stable across moves of the EvtchnHandle object), not the wrapper.
  EvtchnPort(xenevtchn_handle* h, uint32_t port) noexcept : h_(h), port_(port) {}
  xenevtchn_handle* h_ = nullptr;
  uint32_t port_ = 0;
};

}  // namespace runz::xen
