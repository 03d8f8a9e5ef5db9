// A container as the commands see it: the record from the state dir plus its status re-derived from facts.
#pragma once

#include <string>
#include <string_view>

#include "runtime/record.hpp"
#include "runtime/state_store.hpp"
#include "spec/config.hpp"
#include "spec/state.hpp"

namespace runz::runtime {

struct Container {
  ContainerRecord record;
  Status status = Status::Stopped;  // derived, never the stored string alone
};

// The stored status is only trusted while the monitor (pid + start time) is alive and no exit is recorded:
//   exit recorded → stopped;  no monitor recorded yet → the stored status (creating);
//   monitor not alive → stopped;  else → the stored status (created/running/paused).
Status derive_status(const ContainerRecord& record, bool monitor_alive);

// Loads and derives. Throws ContainerNotExist.
Container load_container(const StateStore& store, std::string_view id);

// The runtime-spec state of `record` in `status`: pid is the monitor's, 0 once stopped (as runc prints).
spec::State make_state(const ContainerRecord& record, Status status);
std::string state_json(const ContainerRecord& record, Status status);

// The config as `create` saved it in the state dir (so a changed bundle does not change hooks later).
spec::Config load_saved_config(const StateStore& store, std::string_view id);
void save_config(const StateStore& store, std::string_view id, const spec::Config& config);

}  // namespace runz::runtime
