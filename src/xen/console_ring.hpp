// The Xen PV console ring (xen/io/console.h), host side, as pure memory logic: no Xen calls, so it is
// unit-tested and fuzzed on an ordinary in-memory page.
//
// Primer. The console page holds two byte rings and four free-running 32-bit indexes:
//   in[1024]   host → guest: the host produces (in_prod), the guest consumes (in_cons)
//   out[2048]  guest → host: the guest produces (out_prod), the host consumes (out_cons)
// A byte at index i sits at ring[i & (size - 1)]; prod - cons (mod 2^32) is the fill level, never more than
// the ring size. The side that moved an index notifies the other over the console event channel.
// Barriers, as in xenconsoled: a consumer reads prod, then the data (read barrier), then publishes cons only
// after the data was read (full barrier); a producer writes data before publishing prod (write barrier).
//
// Every index lives in guest-writable memory, so each is read once per operation and checked: a fill level
// above the ring size means a broken (or hostile) guest. Then the ring is reset to empty from our side
// (consumer: cons = prod; producer: prod = cons), the call transfers nothing and reports `broken`, and the
// caller logs it. Nothing the guest writes can make us read or write outside the page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

struct xencons_interface;

namespace runz::xen {

inline constexpr size_t kConsoleInRingBytes = 1024;   // host → guest
inline constexpr size_t kConsoleOutRingBytes = 2048;  // guest → host

struct RingTransfer {
  size_t bytes = 0;     // bytes copied
  bool broken = false;  // the indexes were inconsistent; the ring was reset and nothing was copied
};

class ConsoleRing {
 public:
  // `page` must stay mapped for this object's lifetime.
  explicit ConsoleRing(xencons_interface* page) noexcept : page_(page) {}

  // Copies up to dst.size() bytes the guest wrote, and marks them consumed.
  RingTransfer read_out(std::span<std::byte> dst) noexcept;
  // Copies as much of src as fits into the guest's input ring.
  RingTransfer write_in(std::span<const std::byte> src) noexcept;

  // Bytes waiting in out[] (0 if the indexes are inconsistent; the next read_out reports that).
  size_t out_available() const noexcept;
  // Free bytes in in[] (0 if the indexes are inconsistent).
  size_t in_space() const noexcept;

  // The four indexes as they are now, for diagnostics.
  struct Indexes {
    uint32_t in_cons, in_prod, out_cons, out_prod;
  };
  Indexes indexes() const noexcept;

 private:
  xencons_interface* page_;
};

}  // namespace runz::xen
