// The host side of a zone's primary PV console (xen/io/console.h; pure ring logic in console_ring.hpp).
//
// The domain builder allocated the console page and an unbound event channel for dom0 and put both in the
// guest's start_info, so the console exists from the guest's first instruction with no xenbus handshake.
// Like xenconsoled, we map the page by its machine frame (foreign mapping) and bind the event channel
// ourselves. The builder writes console/type = "runz", which xenconsoled skips, so the two never share a ring.
//
// A byte stream: read_available() returns what the guest wrote (never blocks), write() feeds the guest's
// input (blocks while the 1 KiB ring is full). While write() waits it moves guest output into a bounded
// host-side buffer, so a guest that only makes progress once its output is drained cannot deadlock us.
// Not thread-safe: one pump thread owns a PvConsole; poll fd() for POLLIN, then call handle_event() and
// read_available().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>

#include "xen/console_ring.hpp"
#include "xen/evtchn.hpp"
#include "xen/foreignmemory.hpp"
#include "xen/xc.hpp"

namespace runz::xen {

// Guest output kept on the host while write() waits for input space; above this the guest simply stalls.
inline constexpr size_t kConsoleMaxBufferedOutputBytes = 1024 * 1024;

class PvConsole {
 public:
  // Maps the console page (`console_mfn`) of `domid` and binds its console event channel (`remote_port`).
  static PvConsole attach(DomId domid, uint64_t console_mfn, uint32_t remote_port);

  PvConsole(PvConsole&&) noexcept = default;
  PvConsole& operator=(PvConsole&&) noexcept = default;
  PvConsole(const PvConsole&) = delete;
  PvConsole& operator=(const PvConsole&) = delete;
  ~PvConsole() = default;

  DomId domid() const noexcept { return domid_; }
  // The event channel fd: readable when the guest notified us.
  int fd() const;
  // Acknowledges pending notifications (without blocking). Call when fd() polled readable.
  void handle_event();
  // Copies guest output into dst; returns the byte count (0: nothing waiting). Never blocks.
  size_t read_available(std::span<std::byte> dst);
  // Writes as much of data as fits now; returns the byte count. Never blocks.
  size_t write_some(std::span<const std::byte> data);
  // Writes all of data, waiting for ring space up to `timeout` (negative: forever); throws runz::Error with
  // ETIMEDOUT when the guest does not take its input in time.
  void write(std::span<const std::byte> data, std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
  // How often the guest left the ring indexes inconsistent (each time the ring was reset).
  uint64_t broken_count() const noexcept { return broken_count_; }
  // The ring indexes now, for diagnostics.
  ConsoleRing::Indexes ring_indexes() const noexcept { return ring_->indexes(); }

 private:
  PvConsole() = default;
  void note_broken(const char* ring) noexcept;
  void buffer_guest_output();

  DomId domid_ = 0;
  std::unique_ptr<ForeignMemoryHandle> fmem_;
  ForeignMapping page_;
  std::unique_ptr<EvtchnHandle> evtchn_;
  EvtchnPort port_;
  std::unique_ptr<ConsoleRing> ring_;
  std::deque<std::byte> buffered_out_;
  uint64_t broken_count_ = 0;
};

}  // namespace runz::xen
