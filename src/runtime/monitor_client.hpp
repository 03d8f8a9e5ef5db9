// The CLI's side of `<root>/<id>/monitor.sock`. Protocol: one JSON object per line each way, one request
// per connection:
//   {"op":"start"} {"op":"kill","signal":15,"all":false} {"op":"pause"} {"op":"resume"} {"op":"state"}
//   {"op":"wait"}  (answered only when the process exited and the monitor tore the zone down)
// Answers: {"ok":true,...} or {"ok":false,"error":"..."}; "state" adds "status", "wait" adds "exitStatus"
// and, when killed by a signal, "signal".
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "runtime/zone.hpp"

namespace runz::runtime {

inline constexpr const char* kMonitorSocket = "monitor.sock";

class MonitorClient {
 public:
  explicit MonitorClient(std::filesystem::path socket) : socket_(std::move(socket)) {}

  void start() const;
  void kill(int signal, bool all) const;
  void pause() const;
  void resume() const;
  std::string state() const;
  ZoneExit wait() const;

  // One request; throws ContainerNotRunning when nobody listens or the monitor hung up without an answer,
  // runz::Error with the monitor's message when it answered ok=false.
  nlohmann::json call(const nlohmann::json& request) const;

 private:
  std::filesystem::path socket_;
};

}  // namespace runz::runtime
