#include "xen/console_ring.hpp"

#include <cstdint>
#include <xen/io/console.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace runz::xen {
namespace {

static_assert(sizeof(xencons_interface::in) == kConsoleInRingBytes);
static_assert(sizeof(xencons_interface::out) == kConsoleOutRingBytes);
static_assert((kConsoleInRingBytes & (kConsoleInRingBytes - 1)) == 0, "ring sizes are powers of two");
static_assert((kConsoleOutRingBytes & (kConsoleOutRingBytes - 1)) == 0, "ring sizes are powers of two");

// Indexes are shared with the guest: one atomic access each, so a value is read exactly once.
uint32_t load(XENCONS_RING_IDX& idx) noexcept { return std::atomic_ref<uint32_t>(idx).load(std::memory_order_relaxed); }
void store(XENCONS_RING_IDX& idx, uint32_t v) noexcept {
  std::atomic_ref<uint32_t>(idx).store(v, std::memory_order_relaxed);
}

void read_barrier() noexcept { std::atomic_thread_fence(std::memory_order_acquire); }   // xen_rmb
void write_barrier() noexcept { std::atomic_thread_fence(std::memory_order_release); }  // xen_wmb
void full_barrier() noexcept { std::atomic_thread_fence(std::memory_order_seq_cst); }   // xen_mb

// Copies `n` bytes out of `ring` starting at free-running index `idx`, in at most two pieces.
void copy_from_ring(const char* ring, size_t ring_size, uint32_t idx, std::byte* dst, size_t n) noexcept {
  size_t offset = idx & (ring_size - 1);
  size_t first = std::min(n, ring_size - offset);
  std::memcpy(dst, ring + offset, first);
  std::memcpy(dst + first, ring, n - first);
}

void copy_to_ring(char* ring, size_t ring_size, uint32_t idx, const std::byte* src, size_t n) noexcept {
  size_t offset = idx & (ring_size - 1);
  size_t first = std::min(n, ring_size - offset);
  std::memcpy(ring + offset, src, first);
  std::memcpy(ring, src + first, n - first);
}

}  // namespace

RingTransfer ConsoleRing::read_out(std::span<std::byte> dst) noexcept {
  uint32_t cons = load(page_->out_cons);
  uint32_t prod = load(page_->out_prod);
  read_barrier();  // prod before the data it covers
  uint32_t filled = prod - cons;
  if (filled > kConsoleOutRingBytes) {
    store(page_->out_cons, prod);  // drop whatever the guest claims is there
    return {0, true};
  }
  size_t n = std::min<size_t>(filled, dst.size());
  if (n == 0) return {};
  copy_from_ring(page_->out, kConsoleOutRingBytes, cons, dst.data(), n);
  full_barrier();  // finish reading the data before the guest may reuse the space
  store(page_->out_cons, cons + static_cast<uint32_t>(n));
  return {n, false};
}

RingTransfer ConsoleRing::write_in(std::span<const std::byte> src) noexcept {
  uint32_t cons = load(page_->in_cons);
  uint32_t prod = load(page_->in_prod);
  full_barrier();  // read cons before writing into the space it frees
  uint32_t filled = prod - cons;
  if (filled > kConsoleInRingBytes) {
    store(page_->in_prod, cons);  // forget the input the guest did not take
    return {0, true};
  }
  size_t n = std::min<size_t>(kConsoleInRingBytes - filled, src.size());
  if (n == 0) return {};
  copy_to_ring(page_->in, kConsoleInRingBytes, prod, src.data(), n);
  write_barrier();  // the data before the index that publishes it
  store(page_->in_prod, prod + static_cast<uint32_t>(n));
  return {n, false};
}

size_t ConsoleRing::out_available() const noexcept {
  uint32_t filled = load(page_->out_prod) - load(page_->out_cons);
  return filled > kConsoleOutRingBytes ? 0 : filled;
}

size_t ConsoleRing::in_space() const noexcept {
  uint32_t filled = load(page_->in_prod) - load(page_->in_cons);
  return filled > kConsoleInRingBytes ? 0 : kConsoleInRingBytes - filled;
}

ConsoleRing::Indexes ConsoleRing::indexes() const noexcept {
  return {load(page_->in_cons), load(page_->in_prod), load(page_->out_cons), load(page_->out_prod)};
}

}  // namespace runz::xen
