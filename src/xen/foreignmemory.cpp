#include "xen/foreignmemory.hpp"

#include <sys/mman.h>

// The Xen tool library headers carry no extern "C" of their own; xenctrl.h brings xen_pfn_t, which
// xenforeignmemory.h needs.
extern "C" {
#include <xenctrl.h>
#include <xenforeignmemory.h>
}

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "xen/log.hpp"
#include "xen/xentoollog_bridge.hpp"

namespace runz::xen {

ForeignMemoryHandle ForeignMemoryHandle::open() {
  xenforeignmemory_handle* h = xenforeignmemory_open(xentoollog_bridge(), 0);
  if (h == nullptr) throw_errno("xenforeignmemory_open");
  return ForeignMemoryHandle(h);
}

ForeignMemoryHandle::ForeignMemoryHandle(ForeignMemoryHandle&& other) noexcept
    : h_(std::exchange(other.h_, nullptr)) {}

ForeignMemoryHandle& ForeignMemoryHandle::operator=(ForeignMemoryHandle&& other) noexcept {
  if (this != &other) {
    close();
    h_ = std::exchange(other.h_, nullptr);
  }
  return *this;
}

ForeignMemoryHandle::~ForeignMemoryHandle() { close(); }

void ForeignMemoryHandle::close() noexcept {
  if (h_ == nullptr) return;
  if (xenforeignmemory_close(h_) != 0) log_error(std::string("xenforeignmemory_close: ") + std::strerror(errno));
  h_ = nullptr;
}

ForeignMapping ForeignMemoryHandle::map(DomId domid, std::span<const uint64_t> frames) {
  std::vector<xen_pfn_t> pfns(frames.begin(), frames.end());
  std::vector<int> errs(frames.size(), 0);
  void* addr = xenforeignmemory_map(h_, domid, PROT_READ | PROT_WRITE, pfns.size(), pfns.data(), errs.data());
  std::string what = "xenforeignmemory_map of " + std::to_string(frames.size()) + " page(s) of domain " +
                     std::to_string(domid);
  if (addr == nullptr) throw_errno(what);
  ForeignMapping mapping(h_, addr, pfns.size());
  for (size_t i = 0; i < errs.size(); ++i) {
    if (errs[i] != 0) {
      // err[] holds negative errno values.
      throw_errno(what + ": frame " + std::to_string(frames[i]), errs[i] < 0 ? -errs[i] : errs[i]);
    }
  }
  return mapping;
}

ForeignMapping::ForeignMapping(ForeignMapping&& other) noexcept
    : h_(std::exchange(other.h_, nullptr)),
      addr_(std::exchange(other.addr_, nullptr)),
      pages_(std::exchange(other.pages_, 0)) {}

ForeignMapping& ForeignMapping::operator=(ForeignMapping&& other) noexcept {
  if (this != &other) {
    reset();
    h_ = std::exchange(other.h_, nullptr);
    addr_ = std::exchange(other.addr_, nullptr);
    pages_ = std::exchange(other.pages_, 0);
  }
  return *this;
}

ForeignMapping::~ForeignMapping() { reset(); }

size_t ForeignMapping::size_bytes() const noexcept { return pages_ * XC_PAGE_SIZE; }

void ForeignMapping::reset() noexcept {
  if (h_ == nullptr || addr_ == nullptr) return;
  if (xenforeignmemory_unmap(h_, addr_, pages_) != 0) {
    log_warning("xenforeignmemory_unmap of " + std::to_string(pages_) + " page(s): " + std::strerror(errno));
  }
  h_ = nullptr;
  addr_ = nullptr;
  pages_ = 0;
}

}  // namespace runz::xen
