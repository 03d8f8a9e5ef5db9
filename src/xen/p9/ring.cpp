#include "xen/p9/ring.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

extern "C" {
#include <xen/io/9pfs.h>
}

#include "xen/p9/protocol.hpp"

namespace runz::p9 {

static_assert(offsetof(xen_9pfs_data_intf, in_cons) == kIntfInCons);
static_assert(offsetof(xen_9pfs_data_intf, in_prod) == kIntfInProd);
static_assert(offsetof(xen_9pfs_data_intf, out_cons) == kIntfOutCons);
static_assert(offsetof(xen_9pfs_data_intf, out_prod) == kIntfOutProd);
static_assert(offsetof(xen_9pfs_data_intf, ring_order) == kIntfRingOrder);
static_assert(offsetof(xen_9pfs_data_intf, ref) == kIntfRefs);
static_assert(ring_bytes_for_order(kMaxRingPageOrder) == XEN_FLEX_RING_SIZE(kMaxRingPageOrder));
static_assert(kIntfRefs + sizeof(grant_ref_t) * (1u << kMaxRingPageOrder) <= kXenPageBytes);

const char* ring_fault_name(RingFault f) noexcept {
  switch (f) {
    case RingFault::kOutIndexesOverrun: return "out ring: producer index beyond the ring";
    case RingFault::kInIndexesOverrun: return "in ring: consumer index beyond what was produced";
    case RingFault::kHeaderTooSmall: return "request size below the 9P header";
    case RingFault::kHeaderOverMsize: return "request size above msize";
    case RingFault::kHeaderPastProd: return "request size beyond the produced bytes";
  }
  return "ring fault";
}

Ring::Ring(uint8_t* intf, uint8_t* data, uint32_t order) noexcept
    : intf_(intf),
      in_(data),
      out_(data + ring_bytes_for_order(order)),
      size_(ring_bytes_for_order(order)),
      out_cons_(load(kIntfOutCons)),
      in_prod_(load(kIntfInProd)) {}

uint32_t Ring::load(size_t offset) const noexcept {
  // One relaxed atomic read: the guest may change the word at any time, we look at it exactly once.
  return __atomic_load_n(reinterpret_cast<uint32_t*>(intf_ + offset), __ATOMIC_RELAXED);
}

void Ring::store(size_t offset, uint32_t value) noexcept {
  __atomic_store_n(reinterpret_cast<uint32_t*>(intf_ + offset), value, __ATOMIC_RELAXED);
}

void Ring::copy_out(uint32_t index, uint8_t* dst, size_t n) const noexcept {
  const uint32_t at = index & (size_ - 1);
  const size_t first = std::min<size_t>(n, size_ - at);
  std::memcpy(dst, out_ + at, first);
  std::memcpy(dst + first, out_, n - first);
}

void Ring::copy_in(uint32_t index, const uint8_t* src, size_t n) noexcept {
  const uint32_t at = index & (size_ - 1);
  const size_t first = std::min<size_t>(n, size_ - at);
  std::memcpy(in_ + at, src, first);
  std::memcpy(in_, src + first, n - first);
}

std::optional<std::vector<uint8_t>> Ring::next_request(uint32_t msize) {
  const uint32_t prod = load(kIntfOutProd);
  std::atomic_thread_fence(std::memory_order_acquire);  // read prod before the data it covers
  const uint32_t queued = prod - out_cons_;
  if (queued > size_) throw RingError(RingFault::kOutIndexesOverrun);
  if (queued < kHeaderBytes) return std::nullopt;
  uint8_t header[kHeaderBytes];
  copy_out(out_cons_, header, sizeof header);
  const uint32_t size = static_cast<uint32_t>(header[0]) | static_cast<uint32_t>(header[1]) << 8 |
                        static_cast<uint32_t>(header[2]) << 16 | static_cast<uint32_t>(header[3]) << 24;
  if (size < kHeaderBytes) throw RingError(RingFault::kHeaderTooSmall);
  if (size > msize) throw RingError(RingFault::kHeaderOverMsize);
  if (size > queued) throw RingError(RingFault::kHeaderPastProd);
  std::vector<uint8_t> request(size);
  copy_out(out_cons_, request.data(), size);
  // The copy keeps the header bytes we validated even if the guest rewrote them meanwhile.
  std::memcpy(request.data(), header, sizeof header);
  std::atomic_thread_fence(std::memory_order_seq_cst);  // finish reading before releasing the space
  out_cons_ += size;
  store(kIntfOutCons, out_cons_);
  return request;
}

bool Ring::can_write(size_t bytes) {
  const uint32_t cons = load(kIntfInCons);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  const uint32_t used = in_prod_ - cons;
  if (used > size_) throw RingError(RingFault::kInIndexesOverrun);
  return bytes <= size_ - used;
}

void Ring::write_response(std::span<const uint8_t> response) {
  copy_in(in_prod_, response.data(), response.size());
  std::atomic_thread_fence(std::memory_order_release);  // the data before the index that publishes it
  in_prod_ += static_cast<uint32_t>(response.size());
  store(kIntfInProd, in_prod_);
}

}  // namespace runz::p9
