// The CLI's side of `<root>/<id>/monitor.sock`. Protocol: one JSON object per line each way, one request
// per connection:
//   {"op":"start"} {"op":"kill","signal":15,"all":false} {"op":"pause"} {"op":"resume"} {"op":"state"}
//   {"op":"wait"}  (answered only when the process exited and the monitor tore the zone down)
//   {"op":"exec","process":{..}} with stdin/stdout/stderr attached (SCM_RIGHTS): answered once started
//     ({"pid":..,"handle":..}), then again on the same connection when it ended ({"exitStatus":..})
//     (with "container":H: in the pod container of handle H)
//   {"op":"signal-exec","handle":N,"signal":S}
//   a pod's sandbox also takes its further containers (Zone::add_container):
//   {"op":"add-container","id":..,"bundle":..,"rootfs":..,"stateDir":..,"config":{..}} with stdio attached:
//     answered once created ({"pid":..,"handle":..}), then when it ended ({"exitStatus":..}); closing the
//     connection removes the container from the zone (its monitor holds it open while the container lives)
//   {"op":"start-container","handle":H}  {"op":"signal-container","handle":H,"signal":S,"all":false}
//   {"op":"stats"}  answered with "cpuTimeNs", "memoryBytes", "memoryLimitBytes" (ZoneUsage)
//   {"op":"update","resources":{..}}  an OCI LinuxResources document for Zone::update
//   {"op":"network"}  once the create hooks ran: the zone's NICs from the container's network namespace
//     (Zone::sync_network; the monitor then follows the namespace); nothing when the config has no network namespace
// Answers: {"ok":true,...} or {"ok":false,"error":"..."}; "state" adds "status"; an exit (the answer to
// "wait", the second answer of "exec" and "add-container") is "exitStatus", "signal" when killed by one, and
// "oomKilled":true when the OOM killer of the container's cgroup took it (exit_answer, exit_from).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/fd.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

inline constexpr const char* kMonitorSocket = "monitor.sock";

// An exit as the monitor answers it, and back.
nlohmann::json exit_answer(const ZoneExit& exit);
ZoneExit exit_from(const nlohmann::json& answer);

// The connection of an exec'd process: open until it ended.
class ExecConnection {
 public:
  ExecConnection(UniqueFd fd, ExecStarted started) : fd_(std::move(fd)), started_(started) {}
  const ExecStarted& started() const { return started_; }
  // Blocks until the process ended; 255 if the monitor went away without saying.
  ZoneExit wait();

 private:
  UniqueFd fd_;
  ExecStarted started_;
};

class MonitorClient {
 public:
  explicit MonitorClient(std::filesystem::path socket) : socket_(std::move(socket)) {}

  void start() const;
  void kill(int signal, bool all) const;
  void pause() const;
  void resume() const;
  ZoneUsage stats() const;
  void update(const nlohmann::json& resources) const;  // an OCI LinuxResources document
  void connect_network() const;
  std::string state() const;
  ZoneExit wait() const;
  // `stdio`: the process's stdin, stdout and stderr (passed to the monitor, which relays them).
  ExecConnection exec(const nlohmann::json& process, const std::vector<int>& stdio,
                      std::optional<uint32_t> container = std::nullopt) const;
  void signal_exec(uint32_t handle, int signal) const;
  // The sandbox's side of a pod: `member` is the add-container request without "op".
  ExecConnection add_container(const nlohmann::json& member, const std::vector<int>& stdio) const;
  void start_container(uint32_t handle) const;
  void signal_container(uint32_t handle, int signal, bool all) const;
  // A further container's own cgroup in the pod's zone: `resources` (LinuxResources JSON; null: none) and
  // `frozen` (nullopt: as it is); returns what the container uses.
  ZoneUsage change_container(uint32_t handle, const nlohmann::json& resources, std::optional<bool> frozen) const;

  // One request; throws ContainerNotRunning when nobody listens or the monitor hung up without an answer,
  // runz::Error with the monitor's message when it answered ok=false.
  nlohmann::json call(const nlohmann::json& request) const;

 private:
  UniqueFd connect() const;
  std::filesystem::path socket_;
};

}  // namespace runz::runtime
