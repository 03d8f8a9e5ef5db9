// One Xen 9pfs data ring, backend side (xen/io/9pfs.h: DEFINE_XEN_FLEX_RING_AND_INTF(xen_9pfs);
// layout in xen docs/misc/9pfs.pandoc).
//
// Primer. The frontend grants one interface page per ring: in_cons, in_prod at offset 0, out_cons,
// out_prod at 64, ring_order at 128, then ref[1 << ring_order] grant refs of the data pages. The data
// pages, mapped contiguously, hold two byte rings of XEN_FLEX_RING_SIZE(order) = 2^(order+11) bytes each:
// first `in` (responses: backend produces, frontend consumes), then `out` (requests: frontend produces,
// backend consumes). Indexes are free-running uint32 byte counters, masked by (size - 1). A 9P message is
// written whole and its producer index moved past it afterwards, so a header always comes with its body.
//
// Everything in that shared memory belongs to the guest and can change under us: each index is read once
// per use, checked against our own copy of the index we own (out_cons, in_prod) and the ring size, and each
// request is copied out whole into host memory before anything looks at it. A violation throws RingError:
// the caller closes the device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <vector>

#include "xen/devices/p9fs_layout.hpp"

namespace runz::p9 {

constexpr uint32_t kXenPageBytes = 4096;
constexpr uint32_t kMaxRingPageOrder = xen::devices::kP9fsMaxRingPageOrder;
constexpr uint32_t kMinRingPageOrder = 1;

// Bytes of each direction of a ring of `order` (XEN_FLEX_RING_SIZE).
constexpr uint32_t ring_bytes_for_order(uint32_t order) { return 1u << (order + 12 - 1); }

// Byte offsets in the interface page (checked against struct xen_9pfs_data_intf in ring.cpp).
constexpr size_t kIntfInCons = 0;
constexpr size_t kIntfInProd = 4;
constexpr size_t kIntfOutCons = 64;
constexpr size_t kIntfOutProd = 68;
constexpr size_t kIntfRingOrder = 128;
constexpr size_t kIntfRefs = 132;

enum class RingFault {
  kOutIndexesOverrun,  // out_prod - out_cons larger than the ring
  kInIndexesOverrun,   // in_prod - in_cons larger than the ring (frontend consumed what we never wrote)
  kHeaderTooSmall,     // a request's size field below 7
  kHeaderOverMsize,    // a request's size field above msize
  kHeaderPastProd,     // a request's size field beyond the bytes the frontend produced
};
const char* ring_fault_name(RingFault f) noexcept;

class RingError : public std::exception {
 public:
  explicit RingError(RingFault f) noexcept : fault_(f) {}
  RingFault fault() const noexcept { return fault_; }
  const char* what() const noexcept override { return ring_fault_name(fault_); }

 private:
  RingFault fault_;
};

class Ring {
 public:
  // `intf`: the mapped interface page; `data`: the mapped data pages, 2 * ring_bytes_for_order(order)
  // bytes. `order` must already be validated (kMinRingPageOrder..kMaxRingPageOrder). Our indexes start
  // from the values in the page now.
  Ring(uint8_t* intf, uint8_t* data, uint32_t order) noexcept;

  uint32_t ring_bytes() const noexcept { return size_; }

  // Takes the next complete request off the out ring: a host copy of exactly `size` bytes, and out_cons
  // moved past it. nullopt if fewer than a header's bytes are queued. Throws RingError.
  std::optional<std::vector<uint8_t>> next_request(uint32_t msize);
  // Whether `bytes` fit into the in ring now. Throws RingError if the frontend's in_cons is impossible.
  bool can_write(size_t bytes);
  // Copies `response` into the in ring and publishes it (in_prod). Call only after can_write().
  void write_response(std::span<const uint8_t> response);

 private:
  uint32_t load(size_t offset) const noexcept;
  void store(size_t offset, uint32_t value) noexcept;
  void copy_out(uint32_t index, uint8_t* dst, size_t n) const noexcept;
  void copy_in(uint32_t index, const uint8_t* src, size_t n) noexcept;

  uint8_t* intf_;
  uint8_t* in_;   // responses
  uint8_t* out_;  // requests
  uint32_t size_;
  uint32_t out_cons_;  // ours: the frontend never moves it
  uint32_t in_prod_;   // ours
};

}  // namespace runz::p9
