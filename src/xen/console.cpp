#include "xen/console.hpp"

#include <poll.h>

#include <array>
#include <cerrno>
#include <string>

#include "common/error.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

// A write() waiting for input space re-checks the ring at least this often, even without a notification.
constexpr std::chrono::milliseconds kWriteRecheckInterval{100};
// Log the first broken-ring event and then every this many, so a hostile guest cannot flood the log.
constexpr uint64_t kBrokenLogEvery = 1000;

}  // namespace

PvConsole PvConsole::attach(DomId domid, uint64_t console_mfn, uint32_t remote_port) {
  return with_context("attach console of domain " + std::to_string(domid), [&] {
    PvConsole c;
    c.domid_ = domid;
    c.fmem_ = std::make_unique<ForeignMemoryHandle>(ForeignMemoryHandle::open());
    const uint64_t frames[] = {console_mfn};
    c.page_ = c.fmem_->map(domid, frames);
    c.evtchn_ = std::make_unique<EvtchnHandle>(EvtchnHandle::open());
    c.port_ = c.evtchn_->bind_interdomain(domid, remote_port);
    c.ring_ = std::make_unique<ConsoleRing>(static_cast<xencons_interface*>(c.page_.data()));
    log_info("domain " + std::to_string(domid) + ": console attached (mfn " + std::to_string(console_mfn) +
             ", remote port " + std::to_string(remote_port) + ", local port " + std::to_string(c.port_.local_port()) +
             ")");
    return c;
  });
}

int PvConsole::fd() const { return evtchn_->fd(); }

void PvConsole::handle_event() {
  // xenevtchn_pending may block unless the fd is readable: check first.
  for (;;) {
    pollfd p{evtchn_->fd(), POLLIN, 0};
    int n = ::poll(&p, 1, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll on the console event channel of domain " + std::to_string(domid_));
    }
    if (n == 0 || (p.revents & POLLIN) == 0) return;
    auto port = evtchn_->pending();
    if (!port) return;
    evtchn_->unmask(*port);
  }
}

void PvConsole::note_broken(const char* ring) noexcept {
  ++broken_count_;
  if (broken_count_ % kBrokenLogEvery == 1) {
    log_warning("domain " + std::to_string(domid_) + ": console " + ring +
                " ring indexes inconsistent (broken or hostile guest); ring reset (" + std::to_string(broken_count_) +
                " time(s) so far)");
  }
}

size_t PvConsole::read_available(std::span<std::byte> dst) {
  size_t n = 0;
  while (n < dst.size() && !buffered_out_.empty()) {
    dst[n++] = buffered_out_.front();
    buffered_out_.pop_front();
  }
  if (n < dst.size()) {
    RingTransfer r = ring_->read_out(dst.subspan(n));
    if (r.broken) note_broken("output");
    if (r.bytes > 0) {
      n += r.bytes;
      port_.notify();  // the guest may be waiting for space
    }
  }
  return n;
}

void PvConsole::buffer_guest_output() {
  std::array<std::byte, kConsoleOutRingBytes> chunk{};
  while (buffered_out_.size() < kConsoleMaxBufferedOutputBytes) {
    size_t room = std::min(chunk.size(), kConsoleMaxBufferedOutputBytes - buffered_out_.size());
    RingTransfer r = ring_->read_out(std::span(chunk).first(room));
    if (r.broken) note_broken("output");
    if (r.bytes == 0) return;
    buffered_out_.insert(buffered_out_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(r.bytes));
    port_.notify();
  }
}

size_t PvConsole::write_some(std::span<const std::byte> data) {
  RingTransfer r = ring_->write_in(data);
  if (r.broken) note_broken("input");
  if (r.bytes > 0) port_.notify();
  return r.bytes;
}

void PvConsole::write(std::span<const std::byte> data, std::chrono::milliseconds timeout) {
  const bool forever = timeout.count() < 0;
  const auto deadline = std::chrono::steady_clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  size_t done = 0;
  while (done < data.size()) {
    size_t n = write_some(data.subspan(done));
    done += n;
    if (done == data.size()) break;
    if (n > 0) continue;
    buffer_guest_output();
    auto wait = kWriteRecheckInterval;
    if (!forever) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        throw Error("console write to domain " + std::to_string(domid_) + ": the guest took " + std::to_string(done) +
                        " of " + std::to_string(data.size()) + " bytes before the timeout",
                    ETIMEDOUT);
      wait = std::min(wait, left);
    }
    pollfd p{evtchn_->fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) < 0 && errno != EINTR)
      throw_errno("poll on the console event channel of domain " + std::to_string(domid_));
    handle_event();
  }
}

}  // namespace runz::xen
