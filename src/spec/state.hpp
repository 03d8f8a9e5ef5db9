// The runtime-spec "State" document that `runz state` prints, with runc's extra fields (rootfs, created,
// owner), so tools that parse runc's output work unchanged.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace runz::spec {

enum class Status {
  Creating,  // create is building the zone
  Created,   // zone up, agent ready, process not started
  Running,   // process started and alive
  Stopped,   // process exited (or the zone is gone)
  Paused,    // zone paused (runc extension of the spec's list)
};

std::string_view to_string(Status status);
// "creating" ... "paused"; nullopt for anything else.
std::optional<Status> parse_status(std::string_view text);

struct State {
  std::string oci_version = "1.2.0";
  std::string id;
  Status status = Status::Creating;
  int pid = 0;  // 0 when there is no process (runc prints 0 when stopped)
  std::string bundle;  // absolute
  std::string rootfs;  // absolute
  std::string created;  // RFC 3339 with nanoseconds, UTC: "2024-05-01T12:00:00.123456789Z"
  std::string owner;    // runc prints "" unless rootless
  std::map<std::string, std::string> annotations;

  bool operator==(const State&) const = default;
};

// Serialized as runc does, keys in runc's order: ociVersion, id, pid, status, bundle, rootfs, created, owner,
// annotations (omitted when empty). `runz state` prints to_json(s).dump(2), like runc's two-space indent.
nlohmann::ordered_json to_json(const State& state);
// Throws ConfigError with document "state.json" naming the bad field.
State state_from_json(const nlohmann::json& document);

// Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped, as runc's output has).
std::string format_rfc3339_nano(std::chrono::system_clock::time_point time);

}  // namespace runz::spec
