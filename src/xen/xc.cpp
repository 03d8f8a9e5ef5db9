#include "xen/xc.hpp"

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xenctrl.h>
}

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "xen/log.hpp"
#include "xen/xentoollog_bridge.hpp"

namespace runz::xen {
namespace {

std::string dom_context(std::string_view call, DomId domid) {
  return std::string(call) + " for domain " + std::to_string(domid);
}

DomainInfo to_domain_info(const xc_domaininfo_t& raw) {
  DomainInfo info;
  info.domid = raw.domain;
  Uuid::Bytes handle{};
  static_assert(sizeof(raw.handle) == handle.size());
  std::memcpy(handle.data(), raw.handle, handle.size());
  info.handle = Uuid(handle);
  info.dying = (raw.flags & XEN_DOMINF_dying) != 0;
  info.shutdown = (raw.flags & XEN_DOMINF_shutdown) != 0;
  if (info.shutdown) {
    uint32_t code = (raw.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    if (code <= SHUTDOWN_MAX) info.shutdown_reason = static_cast<ShutdownReason>(code);
  }
  info.paused = (raw.flags & XEN_DOMINF_paused) != 0;
  info.blocked = (raw.flags & XEN_DOMINF_blocked) != 0;
  info.running = (raw.flags & XEN_DOMINF_running) != 0;
  info.hvm = (raw.flags & XEN_DOMINF_hvm_guest) != 0;
  info.tot_pages = raw.tot_pages;
  info.max_pages = raw.max_pages;
  info.cpu_time_ns = raw.cpu_time;
  info.nr_online_vcpus = raw.nr_online_vcpus;
  return info;
}

}  // namespace

std::string to_string(ShutdownReason reason) {
  switch (reason) {
    case ShutdownReason::poweroff: return "poweroff";
    case ShutdownReason::reboot: return "reboot";
    case ShutdownReason::suspend: return "suspend";
    case ShutdownReason::crash: return "crash";
    case ShutdownReason::watchdog: return "watchdog";
    case ShutdownReason::soft_reset: return "soft_reset";
  }
  return "unknown";
}

XcHandle XcHandle::open() {
  xc_interface* xch = xc_interface_open(xentoollog_bridge(), xentoollog_bridge(), 0);
  if (xch == nullptr) throw_errno("xc_interface_open (is this a Xen dom0 with /dev/xen/privcmd?)");
  return XcHandle(xch);
}

XcHandle::XcHandle(XcHandle&& other) noexcept : xch_(std::exchange(other.xch_, nullptr)) {}

XcHandle& XcHandle::operator=(XcHandle&& other) noexcept {
  if (this != &other) {
    close();
    xch_ = std::exchange(other.xch_, nullptr);
  }
  return *this;
}

XcHandle::~XcHandle() { close(); }

void XcHandle::close() noexcept {
  if (xch_ == nullptr) return;
  if (xc_interface_close(xch_) != 0) {
    log_error(std::string("xc_interface_close: ") + std::strerror(errno));
  }
  xch_ = nullptr;
}

HostInfo XcHandle::host_info() const {
  xc_physinfo_t raw{};
  if (xc_physinfo(xch_, &raw) != 0) throw_errno("xc_physinfo");
  HostInfo info;
  info.nr_cpus = raw.nr_cpus;
  constexpr uint64_t kPageKib = XC_PAGE_SIZE / 1024;
  info.free_kib = raw.free_pages * kPageKib;
  info.total_kib = raw.total_pages * kPageKib;
  info.gnttab_v1 = (raw.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1) != 0;
  info.gnttab_v2 = (raw.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2) != 0;
  return info;
}

DomId XcHandle::create_domain(const CreateDomainParams& params) {
  xen_domctl_createdomain config{};
  config.ssidref = 0;  // SECINITSID_UNLABELED: no XSM label
  static_assert(sizeof(config.handle) == sizeof(Uuid::Bytes));
  std::memcpy(config.handle, params.handle.bytes().data(), sizeof(config.handle));
  config.flags = 0;  // PV: neither XEN_DOMCTL_CDF_hvm nor _hap
  config.iommu_opts = 0;
  config.max_vcpus = params.max_vcpus;
  config.max_evtchn_port = params.max_evtchn_port;
  config.max_grant_frames = params.max_grant_frames;
  config.max_maptrack_frames = params.max_maptrack_frames;
  config.grant_opts = XEN_DOMCTL_GRANT_version(params.max_grant_version);
  config.vmtrace_size = 0;
  config.cpupool_id = 0;
  config.arch.emulation_flags = 0;  // PV: no emulated LAPIC/HPET/...
  config.arch.misc_flags = 0;
  uint32_t domid = 0;  // 0 in: let Xen pick a free domid
  if (xc_domain_create(xch_, &domid, &config) != 0) throw_errno("xc_domain_create");
  return domid;
}

void XcHandle::set_max_vcpus(DomId domid, uint32_t max_vcpus) {
  if (xc_domain_max_vcpus(xch_, domid, max_vcpus) != 0)
    throw_errno(dom_context("xc_domain_max_vcpus " + std::to_string(max_vcpus), domid));
}

void XcHandle::set_max_mem_kib(DomId domid, uint64_t max_kib) {
  if (xc_domain_setmaxmem(xch_, domid, max_kib) != 0)
    throw_errno(dom_context("xc_domain_setmaxmem " + std::to_string(max_kib) + " KiB", domid));
}

void XcHandle::set_memmap_limit_kib(DomId domid, uint64_t limit_kib) {
  if (xc_domain_set_memmap_limit(xch_, domid, static_cast<unsigned long>(limit_kib)) != 0)
    throw_errno(dom_context("xc_domain_set_memmap_limit " + std::to_string(limit_kib) + " KiB", domid));
}

namespace {

// credit and credit2 both keep a 16-bit weight and cap per domain, in differently named structs
template <class Params, class Get, class Set>
void set_weight_cap(xc_interface* xch, DomId domid, std::optional<uint32_t> weight, std::optional<uint32_t> cap,
                    Get get, Set set, const char* name) {
  Params p{};
  if (get(xch, domid, &p) != 0) throw_errno(dom_context(std::string(name) + " get", domid));
  if (weight) p.weight = static_cast<uint16_t>(*weight);
  if (cap) p.cap = static_cast<uint16_t>(*cap);
  if (set(xch, domid, &p) != 0) throw_errno(dom_context(std::string(name) + " set weight " +
                                                        std::to_string(p.weight) + " cap " + std::to_string(p.cap), domid));
}

}  // namespace

void XcHandle::set_sched_params(DomId domid, std::optional<uint32_t> weight, std::optional<uint32_t> cap) {
  int sched = 0;
  if (xc_sched_id(xch_, &sched) != 0) throw_errno("xc_sched_id");
  if (sched == XEN_SCHEDULER_CREDIT2) {
    set_weight_cap<xen_domctl_sched_credit2>(xch_, domid, weight, cap, xc_sched_credit2_domain_get,
                                             xc_sched_credit2_domain_set, "credit2");
  } else if (sched == XEN_SCHEDULER_CREDIT) {
    set_weight_cap<xen_domctl_sched_credit>(xch_, domid, weight, cap, xc_sched_credit_domain_get,
                                            xc_sched_credit_domain_set, "credit");
  } else {
    throw Error(dom_context("Xen's scheduler (id " + std::to_string(sched) + ") has no weight or cap", domid), EOPNOTSUPP);
  }
}

uint32_t XcHandle::alloc_unbound_evtchn(DomId domid, DomId remote) {
  xc_evtchn_port_or_error_t port = xc_evtchn_alloc_unbound(xch_, domid, remote);
  if (port < 0) throw_errno(dom_context("xc_evtchn_alloc_unbound (remote " + std::to_string(remote) + ")", domid));
  return static_cast<uint32_t>(port);
}

void XcHandle::pause(DomId domid) {
  if (xc_domain_pause(xch_, domid) != 0) throw_errno(dom_context("xc_domain_pause", domid));
}

void XcHandle::unpause(DomId domid) {
  if (xc_domain_unpause(xch_, domid) != 0) throw_errno(dom_context("xc_domain_unpause", domid));
}

void XcHandle::destroy(DomId domid) {
  if (xc_domain_destroy(xch_, domid) != 0) throw_errno(dom_context("xc_domain_destroy", domid));
}

std::optional<DomainInfo> XcHandle::domain_info(DomId domid) const {
  xc_domaininfo_t raw{};
  int n = xc_domain_getinfolist(xch_, domid, 1, &raw);
  if (n < 0) throw_errno(dom_context("xc_domain_getinfolist", domid));
  // getinfolist starts at `domid` and returns the next existing domain when `domid` itself is gone.
  if (n == 0 || raw.domain != domid) return std::nullopt;
  return to_domain_info(raw);
}

std::vector<DomainInfo> XcHandle::list_domains() const {
  constexpr unsigned kBatch = 64;
  std::vector<DomainInfo> out;
  std::vector<xc_domaininfo_t> raw(kBatch);
  uint32_t next = 0;
  for (;;) {
    int n = xc_domain_getinfolist(xch_, next, kBatch, raw.data());
    if (n < 0) throw_errno("xc_domain_getinfolist from domain " + std::to_string(next));
    for (int i = 0; i < n; ++i) out.push_back(to_domain_info(raw[static_cast<size_t>(i)]));
    if (n < static_cast<int>(kBatch)) break;
    next = static_cast<uint32_t>(raw[kBatch - 1].domain) + 1;
  }
  return out;
}

}  // namespace runz::xen
