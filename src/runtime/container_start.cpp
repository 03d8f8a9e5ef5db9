#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/hooks.hpp"
#include "runtime/monitor_client.hpp"

namespace runz::runtime {

void start_container(const Runtime& rt, std::string_view id) {
  validate_container_id(id);
  const ContainerLock lock = rt.store.lock(id);
  Container container = load_container(rt.store, id);
  require(Verb::Start, container.status, id);

  const spec::Config config = load_saved_config(rt.store, id);
  run_hooks(config.hooks, HookPoint::StartContainer, state_json(container.record, Status::Created));
  MonitorClient(rt.store.dir(id) / kMonitorSocket).start();
  container.record.status = Status::Running;
  rt.store.save(container.record);

  try {
    run_hooks(config.hooks, HookPoint::Poststart, state_json(container.record, Status::Running));
  } catch (const std::exception& e) {
    rt.log.warn("container " + std::string(id) + ": " + e.what());  // the spec makes these warnings
  }
}

}  // namespace runz::runtime
