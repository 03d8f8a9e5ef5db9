#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/errors.hpp"
#include "runtime/monitor_client.hpp"

namespace runz::runtime {

void kill_container(const Runtime& rt, std::string_view id, int signal, bool all) {
  validate_container_id(id);
  const ContainerLock lock = rt.store.lock(id);
  const Container container = load_container(rt.store, id);
  if (container.status == Status::Stopped) throw ContainerNotRunning();
  require(Verb::Kill, container.status, id);
  MonitorClient(rt.store.dir(id) / kMonitorSocket).kill(signal, all);
}

}  // namespace runz::runtime
