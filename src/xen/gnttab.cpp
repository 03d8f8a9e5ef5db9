#include "xen/gnttab.hpp"

#include <sys/mman.h>

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xengnttab.h>
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
namespace {
constexpr size_t kPageBytes = 4096;  // a grant is one Xen page (XC_PAGE_SIZE on x86)
}  // namespace

GntHandle GntHandle::open() {
  xengnttab_handle* h = xengnttab_open(xentoollog_bridge(), 0);
  if (h == nullptr) throw_errno("xengnttab_open (/dev/xen/gntdev)");
  return GntHandle(h);
}

GntHandle::GntHandle(GntHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}

GntHandle& GntHandle::operator=(GntHandle&& other) noexcept {
  if (this != &other) {
    close();
    h_ = std::exchange(other.h_, nullptr);
  }
  return *this;
}

GntHandle::~GntHandle() { close(); }

void GntHandle::close() noexcept {
  if (h_ == nullptr) return;
  if (xengnttab_close(h_) != 0) log_error(std::string("xengnttab_close: ") + std::strerror(errno));
  h_ = nullptr;
}

GntMapping GntHandle::map(DomId domid, std::span<const uint32_t> refs, bool writable) {
  std::vector<uint32_t> raw(refs.begin(), refs.end());
  int prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ;
  void* addr = xengnttab_map_domain_grant_refs(h_, static_cast<uint32_t>(raw.size()), domid, raw.data(), prot);
  if (addr == nullptr)
    throw_errno("xengnttab_map_domain_grant_refs of " + std::to_string(raw.size()) + " grant(s) of domain " +
                std::to_string(domid));
  return GntMapping(h_, addr, raw.size());
}

GntMapping::GntMapping(GntMapping&& other) noexcept
    : h_(std::exchange(other.h_, nullptr)),
      addr_(std::exchange(other.addr_, nullptr)),
      pages_(std::exchange(other.pages_, 0)) {}

GntMapping& GntMapping::operator=(GntMapping&& other) noexcept {
  if (this != &other) {
    reset();
    h_ = std::exchange(other.h_, nullptr);
    addr_ = std::exchange(other.addr_, nullptr);
    pages_ = std::exchange(other.pages_, 0);
  }
  return *this;
}

GntMapping::~GntMapping() { reset(); }

size_t GntMapping::size_bytes() const noexcept { return pages_ * kPageBytes; }

void GntMapping::reset() noexcept {
  if (h_ == nullptr || addr_ == nullptr) return;
  if (xengnttab_unmap(h_, addr_, static_cast<uint32_t>(pages_)) != 0) {
    log_warning("xengnttab_unmap of " + std::to_string(pages_) + " page(s): " + std::strerror(errno));
  }
  h_ = nullptr;
  addr_ = nullptr;
  pages_ = 0;
}

}  // namespace runz::xen
