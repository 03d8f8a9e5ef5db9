// XenZone's control of its running domain: pause/resume, what it uses, and `runz update` (xen_zone.hpp).
#include "xen/xen_zone.hpp"

#include <algorithm>
#include <cerrno>
#include <string>

#include "common/error.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {

void XenZone::pause() {
  std::lock_guard lock(xc_mutex_);
  pause_domain(xc_, built_->id());
}

void XenZone::resume() {
  std::lock_guard lock(xc_mutex_);
  unpause_domain(xc_, built_->id());
}

zone::ZoneUsage XenZone::usage() {
  std::lock_guard lock(xc_mutex_);
  const auto info = xc_.domain_info(built_->id());
  if (!info) throw Error("zone " + runz::quoted(cfg_.id) + ": its domain is gone", ENOENT);
  constexpr uint64_t kPage = 4096;
  return zone::ZoneUsage{info->cpu_time_ns, info->tot_pages * kPage, info->max_pages * kPage};
}

void XenZone::update(const spec::Resources& resources) {
  std::lock_guard lock(xc_mutex_);
  const DomId domid = built_->id();
  if (resources.memory && resources.memory->limit) {
    const uint32_t boot_mib = zone_size(cfg_.config).memory_mib;
    const int64_t limit = *resources.memory->limit;
    const uint32_t mib = limit > 0 ? zone_memory_mib(limit) : boot_mib;  // -1: no limit, the boot size again
    if (mib > boot_mib) {
      throw Error("memory limit " + std::to_string(limit) + " B: the zone would need " + std::to_string(mib) +
                      " MiB, more than the " + std::to_string(boot_mib) +
                      " MiB it booted with (a zone shrinks, and grows back, but not past its boot size)",
                  EINVAL);
    }
    const uint64_t kib = uint64_t{mib} * 1024;
    // maxmem first, as libxl does: a target above the old maxmem could not be reached otherwise
    xc_.set_max_mem_kib(domid, kib + kMaxmemSlackKiB);
    xs_.write("/local/domain/" + std::to_string(domid) + "/memory/target", std::to_string(kib));
  }
  if (resources.cpu) {
    const auto& cpu = *resources.cpu;
    std::optional<uint32_t> weight, cap;
    if (cpu.shares && *cpu.shares > 0) weight = static_cast<uint32_t>(std::clamp<uint64_t>(*cpu.shares / 4, 1, 65535));
    if (cpu.quota) {
      const uint64_t period = cpu.period.value_or(kDefaultCpuPeriodUs);
      const int64_t quota = *cpu.quota;
      cap = quota > 0 && period > 0
                ? static_cast<uint32_t>(std::min<uint64_t>((uint64_t(quota) * 100 + period - 1) / period, 65535))
                : 0;  // -1 (or 0): no cap
    }
    if (weight || cap) xc_.set_sched_params(domid, weight, cap);
  }
}

}  // namespace runz::xen
