#include "xen/evtchn.hpp"

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xenevtchn.h>
}

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "xen/log.hpp"
#include "xen/xentoollog_bridge.hpp"

namespace runz::xen {

EvtchnHandle EvtchnHandle::open() {
  xenevtchn_handle* h = xenevtchn_open(xentoollog_bridge(), 0);
  if (h == nullptr) throw_errno("xenevtchn_open (/dev/xen/evtchn)");
  return EvtchnHandle(h);
}

EvtchnHandle::EvtchnHandle(EvtchnHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}

EvtchnHandle& EvtchnHandle::operator=(EvtchnHandle&& other) noexcept {
  if (this != &other) {
    close();
    h_ = std::exchange(other.h_, nullptr);
  }
  return *this;
}

EvtchnHandle::~EvtchnHandle() { close(); }

void EvtchnHandle::close() noexcept {
  if (h_ == nullptr) return;
  if (xenevtchn_close(h_) != 0) log_error(std::string("xenevtchn_close: ") + std::strerror(errno));
  h_ = nullptr;
}

int EvtchnHandle::fd() const {
  int fd = xenevtchn_fd(h_);
  if (fd < 0) throw_errno("xenevtchn_fd");
  return fd;
}

void EvtchnHandle::restrict_to(DomId domid) {
  if (xenevtchn_restrict(h_, static_cast<domid_t>(domid)) != 0)
    throw_errno("xenevtchn_restrict to domain " + std::to_string(domid));
}

EvtchnPort EvtchnHandle::bind_interdomain(DomId domid, uint32_t remote_port) {
  xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(h_, domid, remote_port);
  if (port < 0)
    throw_errno("xenevtchn_bind_interdomain to port " + std::to_string(remote_port) + " of domain " +
                std::to_string(domid));
  return EvtchnPort(h_, static_cast<uint32_t>(port));
}

std::optional<uint32_t> EvtchnHandle::pending() {
  xenevtchn_port_or_error_t port = xenevtchn_pending(h_);
  if (port < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    throw_errno("xenevtchn_pending");
  }
  return static_cast<uint32_t>(port);
}

void EvtchnHandle::unmask(uint32_t local_port) {
  if (xenevtchn_unmask(h_, local_port) != 0) throw_errno("xenevtchn_unmask port " + std::to_string(local_port));
}

void EvtchnHandle::notify(uint32_t local_port) {
  if (xenevtchn_notify(h_, local_port) != 0) throw_errno("xenevtchn_notify port " + std::to_string(local_port));
}

EvtchnPort::EvtchnPort(EvtchnPort&& other) noexcept : h_(std::exchange(other.h_, nullptr)), port_(other.port_) {}

EvtchnPort& EvtchnPort::operator=(EvtchnPort&& other) noexcept {
  if (this != &other) {
    reset();
    h_ = std::exchange(other.h_, nullptr);
    port_ = other.port_;
  }
  return *this;
}

EvtchnPort::~EvtchnPort() { reset(); }

void EvtchnPort::notify() {
  if (xenevtchn_notify(h_, port_) != 0) throw_errno("xenevtchn_notify port " + std::to_string(port_));
}

void EvtchnPort::unmask() {
  if (xenevtchn_unmask(h_, port_) != 0) throw_errno("xenevtchn_unmask port " + std::to_string(port_));
}

void EvtchnPort::reset() noexcept {
  if (h_ == nullptr) return;
  if (xenevtchn_unbind(h_, port_) != 0) {
    log_warning("xenevtchn_unbind port " + std::to_string(port_) + ": " + std::strerror(errno));
  }
  h_ = nullptr;
}

}  // namespace runz::xen
