// What the state dir `<root>/<id>/` holds, as typed values and their JSON. Each file has one writer:
//   state.json    the CLI (under the container lock): ContainerRecord
//   monitor.json  the monitor, once, at its start: its pid + start time
//   zone.json     the monitor, each time the zone made a resource (ZoneFactory's on_record)
//   exit.json     the monitor, when the container's process exited
// Every write is atomic (atomic_file.hpp), so single writers need no lock against readers, and the monitor
// never waits on the container lock (which a CLI command may hold while it talks to the monitor).
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "runtime/status.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

// How the process ended, as the monitor saw it.
struct ExitRecord {
  ZoneExit exit;
};

struct ContainerRecord {
  std::string id;
  std::string bundle;   // absolute
  std::string rootfs;   // absolute
  std::string created;  // RFC 3339 nano, UTC
  std::map<std::string, std::string> annotations;
  Status status = Status::Creating;  // last status a command set; re-derived on load (container_load.hpp)
  std::optional<HostProcess> monitor;
  std::optional<ZoneRecord> zone;
  std::optional<ExitRecord> exit;
};

nlohmann::json to_json(const HostProcess& process);
nlohmann::json to_json(const ZoneRecord& record);
nlohmann::json to_json(const ExitRecord& record);
nlohmann::json to_json(const ContainerRecord& record);

// Throw runz::Error naming the field when the document is not what we wrote.
HostProcess host_process_from_json(const nlohmann::json& document);
ZoneRecord zone_record_from_json(const nlohmann::json& document);
ExitRecord exit_record_from_json(const nlohmann::json& document);
ContainerRecord container_record_from_json(const nlohmann::json& document);

}  // namespace runz::runtime
