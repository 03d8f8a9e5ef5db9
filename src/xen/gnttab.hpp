// libxengnttab, wrapped: mapping pages another domain granted to us (GntMapping, unmapped in its destructor).
// This file and gnttab.cpp are the only place that calls xengnttab_*. Backends (9pfs) map their rings here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "xen/xc.hpp"

struct xengntdev_handle;

namespace runz::xen {

class GntMapping;

class GntHandle {
 public:
  static GntHandle open();

  GntHandle(GntHandle&& other) noexcept;
  GntHandle& operator=(GntHandle&& other) noexcept;
  GntHandle(const GntHandle&) = delete;
  GntHandle& operator=(const GntHandle&) = delete;
  ~GntHandle();

  // Maps `refs` granted by `domid`, read-write (or read-only), contiguously.
  GntMapping map(DomId domid, std::span<const uint32_t> refs, bool writable = true);

 private:
  friend class GntMapping;
  explicit GntHandle(xengntdev_handle* h) noexcept : h_(h) {}
  void close() noexcept;
  xengntdev_handle* h_ = nullptr;
};

// Granted pages mapped into our address space; unmapped in the destructor. The GntHandle must outlive it (it may be moved).
class GntMapping {
 public:
  GntMapping() noexcept = default;
  GntMapping(GntMapping&& other) noexcept;
  GntMapping& operator=(GntMapping&& other) noexcept;
  GntMapping(const GntMapping&) = delete;
  GntMapping& operator=(const GntMapping&) = delete;
  ~GntMapping();

  void* data() const noexcept { return addr_; }
  size_t pages() const noexcept { return pages_; }
  size_t size_bytes() const noexcept;
  void reset() noexcept;

 private:
  friend class GntHandle;
  GntMapping(xengntdev_handle* h, void* addr, size_t pages) noexcept : h_(h), addr_(addr), pages_(pages) {}
  xengntdev_handle* h_ = nullptr;  // the C handle: stable across moves of the GntHandle object
  void* addr_ = nullptr;
  size_t pages_ = 0;
};

}  // namespace runz::xen
