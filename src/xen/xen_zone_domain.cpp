// XenZone's control of its running domain: pause/resume, what it uses, and `runz update` (xen_zone.hpp).
#include "xen/xen_zone.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>

#include "agent-proto/messages.hpp"
#include "common/error.hpp"
#include "xen/log.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {

namespace ap = agent_proto;

void XenZone::pause() {
  std::lock_guard lock(xc_mutex_);
  pause_domain(xc_, built_->id());
}

void XenZone::resume() {
  std::lock_guard lock(xc_mutex_);
  unpause_domain(xc_, built_->id());
}

zone::ZoneUsage XenZone::usage() {
  zone::ZoneUsage usage;
  bool paused = false;
  {
    std::lock_guard lock(xc_mutex_);
    const auto info = xc_.domain_info(built_->id());
    if (!info) throw Error("zone " + runz::quoted(cfg_.id) + ": its domain is gone", ENOENT);
    constexpr uint64_t kPage = 4096;
    usage = zone::ZoneUsage{info->cpu_time_ns, info->tot_pages * kPage, info->max_pages * kPage, 0};
    paused = info->paused;
  }
  // The OOM kills are the container's cgroup's, from the agent: not while the domain is paused (the agent
  // could not answer) nor once the container ended; the last count stands then.
  if (!paused && session_ && session_->main_state() == AgentSession::MainState::kRunning) {
    try {
      const uint64_t kills = session_->update_container(ap::Update{cfg_.id, std::nullopt, std::nullopt}).oom_kills;
      std::lock_guard lock(xc_mutex_);
      oom_kills_ = std::max(oom_kills_, kills);
    } catch (const std::exception& e) {
      log_warning("zone " + runz::quoted(cfg_.id) + ": OOM kills: " + e.what());
    }
  }
  std::lock_guard lock(xc_mutex_);
  usage.oom_kills = oom_kills_;
  return usage;
}

// Everything is checked before anything changes: a refused update leaves the zone as it was.
XenZone::SizeChange XenZone::plan_update(const spec::Resources& resources) {
  SizeChange change{size_now_, std::nullopt, std::nullopt};
  if (resources.memory && resources.memory->limit) {
    const uint64_t free_mib = xc_.host_info().free_kib / 1024;
    change.target.memory_mib =
        resized_memory_mib(*resources.memory->limit, boot_size_, max_size_, size_now_.memory_mib, free_mib);
  }
  if (resources.cpu) {
    const auto& cpu = *resources.cpu;
    if (const auto vcpus = resized_vcpus(cpu, boot_size_, max_size_)) change.target.vcpus = *vcpus;
    if (cpu.shares && *cpu.shares > 0)
      change.weight = static_cast<uint32_t>(std::clamp<uint64_t>(*cpu.shares / 4, 1, 65535));
    if (cpu.quota) {
      const uint64_t period = cpu.period.value_or(kDefaultCpuPeriodUs);
      const int64_t quota = *cpu.quota;
      change.cap = quota > 0 && period > 0
                       ? static_cast<uint32_t>(std::min<uint64_t>((uint64_t(quota) * 100 + period - 1) / period, 65535))
                       : 0;  // -1 (or 0): no cap
    }
  }
  return change;
}

void XenZone::update(const spec::Resources& resources) {
  SizeChange change;
  bool shrinks = false;
  {
    std::lock_guard lock(xc_mutex_);
    change = plan_update(resources);
    shrinks = change.target.memory_mib < size_now_.memory_mib;
  }
  // The container's cgroup in the zone follows (runc's limits, guest/cgroups.hpp): before the zone shrinks,
  // so the container gives memory back within its own limit; after it grows. The session is not asked
  // under xc_mutex_: its pump takes that mutex.
  auto apply = [&] {
    std::lock_guard lock(xc_mutex_);
    apply_size(change.target);
    if (change.weight || change.cap) xc_.set_sched_params(built_->id(), change.weight, change.cap);
  };
  if (!shrinks) apply();
  session_->update_container(ap::Update{cfg_.id, resources, std::nullopt});
  if (shrinks) apply();
}

void XenZone::apply_size(const ZoneSize& target) {
  const DomId domid = built_->id();
  const std::string dom = "/local/domain/" + std::to_string(domid);
  if (target.memory_mib != size_now_.memory_mib) {
    const uint64_t kib = uint64_t{target.memory_mib} * 1024;
    // maxmem first, as libxl does: a target above the old maxmem could not be reached otherwise. Past the
    // memory the zone booted with, its kernel hot-plugs sections to take the balloon up to the target.
    xc_.set_max_mem_kib(domid, kib + kMaxmemSlackKiB);
    xs_.write(dom + "/memory/target", std::to_string(kib));
    size_now_.memory_mib = target.memory_mib;
  }
  if (target.vcpus != size_now_.vcpus) {
    // The zone kernel follows each node: it takes a vCPU made "offline" down itself; one made "online" it
    // registers, and the agent brings it up (guest/cpu_hotplug.hpp).
    xs_transact(xs_, [&](XsTransaction& tx) {
      for (uint32_t i = 1; i < max_size_.vcpus; ++i)
        tx.write(dom + "/cpu/" + std::to_string(i) + "/availability", i < target.vcpus ? "online" : "offline");
    });
    size_now_.vcpus = target.vcpus;
  }
}

ZoneSize XenZone::reshare(const ZoneSize& old_share, const ZoneSize& share) {
  std::lock_guard lock(xc_mutex_);
  ZoneSize base = size_now_;
  base.memory_mib = std::max(base.memory_mib > old_share.memory_mib ? base.memory_mib - old_share.memory_mib : 0,
                             boot_size_.memory_mib);
  base.vcpus = std::max(base.vcpus > old_share.vcpus ? base.vcpus - old_share.vcpus : 0, boot_size_.vcpus);
  const uint64_t free_mib = xc_.host_info().free_kib / 1024 + (size_now_.memory_mib - base.memory_mib);
  const ZoneSize target = grown_within(base, share, max_size_, free_mib);
  apply_size(target);
  return ZoneSize{target.memory_mib - base.memory_mib, target.vcpus - base.vcpus};
}

}  // namespace runz::xen
