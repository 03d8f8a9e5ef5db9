// A container as the commands see it: the record from the state dir plus its status re-derived from facts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/record.hpp"
#include "runtime/state_store.hpp"
#include "runtime/zone.hpp"
#include "spec/config.hpp"
#include "spec/state.hpp"

namespace runz::runtime {

struct Container {
  ContainerRecord record;
  Status status = Status::Stopped;  // derived, never the stored string alone
};

// The stored status is only trusted while the monitor (pid + start time) is alive, no exit is recorded and,
// where known, the zone is there:
//   exit recorded → stopped;  no monitor recorded yet → the stored status (creating);
//   monitor not alive → stopped;
//   created/running/paused but the zone is known to be gone (`zone_exists` false) → stopped;
//   else → the stored status (creating, created, running, paused: paused stays paused).
// `zone_exists`: the zone factory's answer for the recorded zone, nullopt when it cannot tell or was not asked.
Status derive_status(const ContainerRecord& record, bool monitor_alive,
                     std::optional<bool> zone_exists = std::nullopt);

// Loads and derives from the monitor's liveness. Throws ContainerNotExist. The lifecycle verbs use this: they
// go on to ask the monitor, which owns the zone.
Container load_container(const StateStore& store, std::string_view id);
// The same, and asks `factory` whether the recorded zone still exists (`runz state`, `runz list`, which
// report the status without asking the monitor). Asked only while the monitor lives, once the zone was built
// (created, running, paused) and recorded with its UUID: a pod's further container records no zone of its own.
Container load_container(const StateStore& store, const ZoneFactory& factory, std::string_view id);

// The runtime-spec state of `record` in `status`: pid is the monitor's, 0 once stopped (as runc prints).
spec::State make_state(const ContainerRecord& record, Status status);
std::string state_json(const ContainerRecord& record, Status status);

// The config as `create` saved it in the state dir (so a changed bundle does not change hooks later).
spec::Config load_saved_config(const StateStore& store, std::string_view id);
void save_config(const StateStore& store, std::string_view id, const spec::Config& config);

}  // namespace runz::runtime
