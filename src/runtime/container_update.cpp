#include <nlohmann/json.hpp>

#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/monitor_client.hpp"
#include "spec/parse.hpp"

namespace runz::runtime {

void update_container(const Runtime& rt, std::string_view id, const nlohmann::json& resources) {
  validate_container_id(id);
  spec::parse_resources(resources);  // a malformed document is refused here, naming the field
  const ContainerLock lock = rt.store.lock(id);
  const Container container = load_container(rt.store, id);
  require(Verb::Update, container.status, id);
  MonitorClient(rt.store.dir(id) / kMonitorSocket).update(resources);
}

ZoneUsage container_usage(const Runtime& rt, std::string_view id) {
  validate_container_id(id);
  const Container container = load_container(rt.store, id);
  require(Verb::Update, container.status, id);
  return MonitorClient(rt.store.dir(id) / kMonitorSocket).stats();
}

}  // namespace runz::runtime
