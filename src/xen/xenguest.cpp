#include "xen/xenguest.hpp"

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xenctrl.h>
#include <xenguest.h>
}

#include <cerrno>
#include <utility>

#include "common/error.hpp"

namespace runz::xen {
namespace {

// libxenguest reports the detail through the logger (xentoollog_bridge) and does not always set errno.
void check(int rc, const std::string& what) {
  if (rc == 0) return;
  int err = errno;
  if (err != 0) throw_errno(what, err);
  throw Error(what + " failed (see the libxenguest messages above)");
}

}  // namespace

DomImage DomImage::allocate(XcHandle& xc, const std::string& cmdline) {
  errno = 0;
  xc_dom_image* dom = xc_dom_allocate(xc.raw(), cmdline.c_str(), nullptr);
  if (dom == nullptr) throw_errno("xc_dom_allocate");
  dom->container_type = xc_dom_image::XC_DOM_PV_CONTAINER;
  return DomImage(dom);
}

DomImage::DomImage(DomImage&& other) noexcept : dom_(std::exchange(other.dom_, nullptr)) {}

DomImage::~DomImage() {
  if (dom_ != nullptr) xc_dom_release(dom_);  // returns nothing
}

void DomImage::kernel_file(const std::filesystem::path& path) {
  errno = 0;
  check(xc_dom_kernel_file(dom_, path.c_str()), "xc_dom_kernel_file " + runz::quoted(path.string()));
}

void DomImage::module_file(const std::filesystem::path& path) {
  errno = 0;
  check(xc_dom_module_file(dom_, path.c_str(), nullptr), "xc_dom_module_file " + runz::quoted(path.string()));
}

void DomImage::set_console(uint32_t evtchn, DomId backend_domid) {
  dom_->console_evtchn = evtchn;
  dom_->console_domid = backend_domid;
}

void DomImage::set_xenstore(uint32_t evtchn, DomId xenstored_domid) {
  dom_->xenstore_evtchn = evtchn;
  dom_->xenstore_domid = xenstored_domid;
}

void DomImage::set_max_vcpus(uint32_t max_vcpus) { dom_->max_vcpus = max_vcpus; }

void DomImage::boot_xen_init(DomId domid) {
  errno = 0;
  check(xc_dom_boot_xen_init(dom_, dom_->xch, domid), "xc_dom_boot_xen_init");
}

void DomImage::parse_image() {
  errno = 0;
  check(xc_dom_parse_image(dom_), "xc_dom_parse_image");
}

void DomImage::mem_init(uint32_t mem_mib) {
  errno = 0;
  check(xc_dom_mem_init(dom_, mem_mib), "xc_dom_mem_init " + std::to_string(mem_mib) + " MiB");
}

void DomImage::boot_mem_init() {
  errno = 0;
  check(xc_dom_boot_mem_init(dom_), "xc_dom_boot_mem_init");
}

void DomImage::build_image() {
  errno = 0;
  check(xc_dom_build_image(dom_), "xc_dom_build_image");
}

void DomImage::boot_image() {
  errno = 0;
  check(xc_dom_boot_image(dom_), "xc_dom_boot_image");
}

void DomImage::gnttab_init() {
  errno = 0;
  check(xc_dom_gnttab_init(dom_), "xc_dom_gnttab_init");
}

uint64_t DomImage::console_mfn() const {
  xen_pfn_t mfn = xc_dom_p2m(dom_, dom_->console_pfn);
  if (mfn == INVALID_MFN) throw Error("console pfn " + std::to_string(dom_->console_pfn) + " has no mfn");
  return mfn;
}

uint64_t DomImage::xenstore_mfn() const {
  xen_pfn_t mfn = xc_dom_p2m(dom_, dom_->xenstore_pfn);
  if (mfn == INVALID_MFN) throw Error("xenstore pfn " + std::to_string(dom_->xenstore_pfn) + " has no mfn");
  return mfn;
}

std::string DomImage::guest_type() const { return dom_->guest_type != nullptr ? dom_->guest_type : ""; }

}  // namespace runz::xen
