#include "runtime/container_load.hpp"

#include <nlohmann/json.hpp>

#include "runtime/atomic_file.hpp"
#include "runtime/process_identity.hpp"
#include "spec/parse.hpp"

namespace runz::runtime {

namespace {

// The statuses in which the zone was built and must still be there.
bool zone_built(Status status) {
  return status == Status::Created || status == Status::Running || status == Status::Paused;
}

bool monitor_alive(const ContainerRecord& record) { return record.monitor && is_alive(*record.monitor); }

}  // namespace

Status derive_status(const ContainerRecord& record, bool monitor_alive, std::optional<bool> zone_exists) {
  if (record.exit) return Status::Stopped;
  if (!record.monitor) return record.status;
  if (!monitor_alive) return Status::Stopped;
  if (zone_built(record.status) && zone_exists == false) return Status::Stopped;
  return record.status;
}

Container load_container(const StateStore& store, std::string_view id) {
  Container container{store.load(id), Status::Stopped};
  container.status = derive_status(container.record, monitor_alive(container.record));
  return container;
}

Container load_container(const StateStore& store, const ZoneFactory& factory, std::string_view id) {
  Container container{store.load(id), Status::Stopped};
  const ContainerRecord& record = container.record;
  const bool alive = monitor_alive(record);
  std::optional<bool> zone_exists;
  // Only a question worth asking the hypervisor when the answer can change the status.
  if (alive && !record.exit && zone_built(record.status) && record.zone && !record.zone->uuid.empty()) {
    zone_exists = factory.zone_exists(*record.zone);
  }
  container.status = derive_status(record, alive, zone_exists);
  return container;
}

spec::State make_state(const ContainerRecord& record, Status status) {
  spec::State state;
  state.id = record.id;
  state.status = status;
  state.pid = (status != Status::Stopped && record.monitor) ? record.monitor->pid : 0;
  state.bundle = record.bundle;
  state.rootfs = record.rootfs;
  state.created = record.created;
  state.annotations = record.annotations;
  return state;
}

std::string state_json(const ContainerRecord& record, Status status) {
  return spec::to_json(make_state(record, status)).dump();
}

spec::Config load_saved_config(const StateStore& store, std::string_view id) {
  return spec::load_config(store.dir(id));
}

void save_config(const StateStore& store, std::string_view id, const spec::Config& config) {
  write_file_atomic(store.dir(id) / "config.json", spec::to_json(config).dump(2) + "\n");
}

}  // namespace runz::runtime
