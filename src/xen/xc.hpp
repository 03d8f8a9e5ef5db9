// libxenctrl, wrapped: the hypervisor control interface (XcHandle) and ownership of a domain (Domain).
// This file and xc.cpp are the only place that calls xc_* domain/evtchn/physinfo functions; libxenguest's
// xc_dom_* builder calls live in xenguest.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xen/uuid.hpp"

// Opaque C types, so users of this header do not pull in xenctrl.h.
struct xc_interface_core;

namespace runz::xen {

using DomId = uint32_t;

// Why a domain shut down (xen/sched.h SHUTDOWN_*), as reported by getdomaininfo.
enum class ShutdownReason : uint32_t {
  poweroff = 0,
  reboot = 1,
  suspend = 2,
  crash = 3,
  watchdog = 4,
  soft_reset = 5,
};
std::string to_string(ShutdownReason reason);

// One row of getdomaininfo.
struct DomainInfo {
  DomId domid = 0;
  Uuid handle;
  bool dying = false;
  bool shutdown = false;
  std::optional<ShutdownReason> shutdown_reason;  // set when shutdown (nullopt if the code is unknown)
  bool paused = false;
  bool blocked = false;
  bool running = false;
  bool hvm = false;
  uint64_t tot_pages = 0;
  uint64_t max_pages = 0;
  uint64_t cpu_time_ns = 0;
  uint32_t nr_online_vcpus = 0;
};

// What the host offers (xc_physinfo).
struct HostInfo {
  uint32_t nr_cpus = 0;
  uint64_t free_kib = 0;
  uint64_t total_kib = 0;
  bool gnttab_v1 = false;
  bool gnttab_v2 = false;
};

// Parameters of XEN_DOMCTL_createdomain for a PV domain (no HVM/HAP flags, no emulated devices).
struct CreateDomainParams {
  Uuid handle;
  uint32_t max_vcpus = 1;
  uint32_t max_evtchn_port = 1023;   // libxl's default `event_channels`
  int32_t max_grant_frames = -1;     // < 0: the hypervisor's default (gnttab_max_frames, 64)
  int32_t max_maptrack_frames = -1;  // < 0: the hypervisor's default (gnttab_max_maptrack_frames, 1024)
  uint32_t max_grant_version = 1;    // highest grant table version the guest may use
};

// An open xc_interface. Move-only; closed in the destructor.
class XcHandle {
 public:
  // xc_interface_open with a logger that forwards libxenctrl's messages to runz::xen::log.
  static XcHandle open();

  XcHandle(XcHandle&& other) noexcept;
  XcHandle& operator=(XcHandle&& other) noexcept;
  XcHandle(const XcHandle&) = delete;
  XcHandle& operator=(const XcHandle&) = delete;
  ~XcHandle();

  // The raw handle, for the libxenguest wrapper (xenguest.cpp) only.
  xc_interface_core* raw() const noexcept { return xch_; }

  HostInfo host_info() const;

  DomId create_domain(const CreateDomainParams& params);
  void set_max_vcpus(DomId domid, uint32_t max_vcpus);
  void set_max_mem_kib(DomId domid, uint64_t max_kib);
  void set_memmap_limit_kib(DomId domid, uint64_t limit_kib);
  // The scheduler's weight and cap (% of one CPU, 0 = none) for the domain, under credit or credit2
  // (whichever Xen runs; others have neither: EOPNOTSUPP). nullopt leaves that one as it is.
  void set_sched_params(DomId domid, std::optional<uint32_t> weight, std::optional<uint32_t> cap);
  // An unbound event channel in `domid` that `remote` may bind to; returns the port in `domid`.
  uint32_t alloc_unbound_evtchn(DomId domid, DomId remote);
  void pause(DomId domid);
  void unpause(DomId domid);
  void destroy(DomId domid);

  // getdomaininfo for exactly `domid`; nullopt if no such domain.
  std::optional<DomainInfo> domain_info(DomId domid) const;
  // Every domain, in domid order.
  std::vector<DomainInfo> list_domains() const;

 private:
  explicit XcHandle(xc_interface_core* xch) noexcept : xch_(xch) {}
  void close() noexcept;
  xc_interface_core* xch_ = nullptr;
};

}  // namespace runz::xen
