#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/monitor_client.hpp"

namespace runz::runtime {

void pause_container(const Runtime& rt, std::string_view id) {
  validate_container_id(id);
  const ContainerLock lock = rt.store.lock(id);
  Container container = load_container(rt.store, id);
  require(Verb::Pause, container.status, id);
  MonitorClient(rt.store.dir(id) / kMonitorSocket).pause();
  container.record.status = Status::Paused;
  rt.store.save(container.record);
}

void resume_container(const Runtime& rt, std::string_view id) {
  validate_container_id(id);
  const ContainerLock lock = rt.store.lock(id);
  Container container = load_container(rt.store, id);
  require(Verb::Resume, container.status, id);
  MonitorClient(rt.store.dir(id) / kMonitorSocket).resume();
  container.record.status = Status::Running;
  rt.store.save(container.record);
}

}  // namespace runz::runtime
