// libxenforeignmemory, wrapped: privileged mapping of another domain's pages by frame number (mfn for a PV
// guest), as xenconsoled maps a PV console ring. This file and foreignmemory.cpp are the only place that
// calls xenforeignmemory_*.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "xen/xc.hpp"

struct xenforeignmemory_handle;

namespace runz::xen {

class ForeignMapping;

class ForeignMemoryHandle {
 public:
  static ForeignMemoryHandle open();

  ForeignMemoryHandle(ForeignMemoryHandle&& other) noexcept;
  ForeignMemoryHandle& operator=(ForeignMemoryHandle&& other) noexcept;
  ForeignMemoryHandle(const ForeignMemoryHandle&) = delete;
  ForeignMemoryHandle& operator=(const ForeignMemoryHandle&) = delete;
  ~ForeignMemoryHandle();

  // Maps `frames` of `domid` read-write, contiguously. Throws if any page fails to map.
  ForeignMapping map(DomId domid, std::span<const uint64_t> frames);

 private:
  friend class ForeignMapping;
  explicit ForeignMemoryHandle(xenforeignmemory_handle* h) noexcept : h_(h) {}
  void close() noexcept;
  xenforeignmemory_handle* h_ = nullptr;
};

// A mapping of foreign pages; unmapped in the destructor. The ForeignMemoryHandle must outlive it (it may be moved).
class ForeignMapping {
 public:
  ForeignMapping() noexcept = default;
  ForeignMapping(ForeignMapping&& other) noexcept;
  ForeignMapping& operator=(ForeignMapping&& other) noexcept;
  ForeignMapping(const ForeignMapping&) = delete;
  ForeignMapping& operator=(const ForeignMapping&) = delete;
  ~ForeignMapping();

  void* data() const noexcept { return addr_; }
  size_t pages() const noexcept { return pages_; }
  size_t size_bytes() const noexcept;
  void reset() noexcept;

 private:
  friend class ForeignMemoryHandle;
  ForeignMapping(xenforeignmemory_handle* h, void* addr, size_t pages) noexcept
      : h_(h), addr_(addr), pages_(pages) {}
  xenforeignmemory_handle* h_ = nullptr;  // the C handle: stable across moves of the ForeignMemoryHandle object
  void* addr_ = nullptr;
  size_t pages_ = 0;
};

}  // namespace runz::xen
