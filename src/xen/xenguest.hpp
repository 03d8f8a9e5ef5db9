// libxenguest's PV domain builder (xc_dom_*), wrapped one call per method so domain_builder.cpp can run the
// sequence as named, logged steps. This file and xenguest.cpp are the only place that calls xc_dom_*.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "xen/xc.hpp"

struct xc_dom_image;

namespace runz::xen {

// An xc_dom_image; xc_dom_release in the destructor (which also unmaps whatever guest memory it mapped).
class DomImage {
 public:
  // xc_dom_allocate with the kernel command line; no extra feature flags.
  static DomImage allocate(XcHandle& xc, const std::string& cmdline);

  DomImage(DomImage&& other) noexcept;
  DomImage& operator=(DomImage&&) = delete;
  DomImage(const DomImage&) = delete;
  DomImage& operator=(const DomImage&) = delete;
  ~DomImage();

  // The kernel: an ELF vmlinux (loaded as is) or a bzImage (libxenguest unpacks its payload).
  void kernel_file(const std::filesystem::path& path);
  // A boot module: the initramfs (a gzip one is unpacked by libxenguest, like libxl does).
  void module_file(const std::filesystem::path& path);

  // Fields libxl sets before building (xenguest.h struct xc_dom_image).
  void set_console(uint32_t evtchn, DomId backend_domid);
  void set_xenstore(uint32_t evtchn, DomId xenstored_domid);
  void set_max_vcpus(uint32_t max_vcpus);

  void boot_xen_init(DomId domid);  // xc_dom_boot_xen_init
  void parse_image();               // xc_dom_parse_image: picks the loader (ELF or bzImage)
  void mem_init(uint32_t mem_mib);  // xc_dom_mem_init
  void boot_mem_init();             // xc_dom_boot_mem_init: populates the physmap
  void build_image();               // xc_dom_build_image: loads kernel + modules, page tables, start info
  void boot_image();                // xc_dom_boot_image: vcpu context, shared info, hypercall page
  void gnttab_init();               // xc_dom_gnttab_init: seeds the console/xenstore grant entries

  // After build_image: the machine frames of the console and xenstore ring pages (pfn → mfn for PV).
  uint64_t console_mfn() const;
  uint64_t xenstore_mfn() const;
  // "xen-3.0-x86_64" and friends, after parse_image.
  std::string guest_type() const;

 private:
  explicit DomImage(xc_dom_image* dom) noexcept : dom_(dom) {}
  xc_dom_image* dom_ = nullptr;
};

}  // namespace runz::xen
