#include "runtime/container_ops.hpp"
#include "runtime/hooks.hpp"
#include "runtime/process_identity.hpp"

namespace runz::runtime {
namespace {

// A stopped container's monitor is tearing the zone down on its own; give it this long before SIGKILL.
constexpr auto kMonitorExitGrace = std::chrono::seconds(10);
constexpr auto kKillTimeout = std::chrono::seconds(10);

}  // namespace

void destroy_container(const Runtime& rt, std::string_view id, const ContainerLock& lock) {
  const std::string name(id);
  ContainerRecord record = rt.store.load(id);
  if (record.monitor && is_alive(*record.monitor)) {
    const bool exited = record.exit && wait_gone(*record.monitor, kMonitorExitGrace);
    if (!exited) {
      rt.log.debug("container " + name + ": SIGKILL monitor " + std::to_string(record.monitor->pid));
      if (!kill_and_wait(*record.monitor, kKillTimeout)) {
        throw Error("container " + name + ": monitor " + std::to_string(record.monitor->pid) +
                    " still alive after SIGKILL");
      }
    }
    record = rt.store.load(id);  // the monitor may have recorded more before it died
  }
  if (record.zone) {
    rt.log.debug("container " + name + ": cleanup zone domid " + std::to_string(record.zone->domid));
    rt.factory.cleanup(*record.zone);
  }
  // As runc: poststop hooks run at delete, once the zone is gone, whenever the process ended.
  try {
    const spec::Config config = load_saved_config(rt.store, id);
    run_hooks(config.hooks, HookPoint::Poststop, state_json(record, Status::Stopped));
  } catch (const std::exception& e) {
    rt.log.warn("container " + name + ": " + e.what());
  }
  rt.store.remove(id, lock);
}

}  // namespace runz::runtime
