// The zone of a pod's further container, as its own monitor sees it. The pod's zone belongs to the monitor
// of the pod's sandbox (the container that built it), so each operation is a request to that monitor's
// socket (monitor_client.hpp: add-container, start-container, signal-container, exec with "container").
// The add-container connection stays open while this container lives: when it closes (this monitor ended,
// or was killed), the sandbox's monitor withdraws the container from the zone. Nothing is recorded for
// cleanup here: the sandbox's monitor owns the domain and the 9pfs backend of the container's exports.
#pragma once

#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "runtime/monitor_client.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

class PodMemberZone final : public Zone {
 public:
  // Asks the sandbox's monitor (cfg.sandbox_socket) to create the container; throws with its error.
  PodMemberZone(const ZoneConfig& cfg, ZoneStdio stdio);
  ~PodMemberZone() override;

  ZoneRecord record() const override { return {}; }
  void start() override;
  void signal(int sig, bool all) override;
  // The container's own cgroup in the zone, frozen and thawed (the zone's vCPUs are the whole pod's).
  void pause() override;
  void resume() override;
  ZoneExit wait_exit() override;
  ExecStarted exec(const spec::Process& process, ZoneStdio stdio, std::function<void(ZoneExit)> on_exit,
                   std::optional<uint32_t> container) override;
  void signal_exec(uint32_t handle, int sig) override;
  ZoneUsage usage() override;  // the container's own cgroup in the zone
  // The container's cgroup gets the new limits; the zone grows or shrinks by the change (XenZone).
  void update(const spec::Resources& resources) override;
  ExecStarted add_container(const ZoneConfig& member, ZoneStdio stdio, std::function<void(ZoneExit)> on_exit) override;
  void start_container(uint32_t handle) override;
  void signal_container(uint32_t handle, int sig, bool all) override;
  void remove_container(uint32_t handle) noexcept override;
  ZoneUsage change_container(uint32_t handle, const ContainerChange& change) override;  // not a sandbox: refused

 private:
  std::string id_;
  std::string sandbox_id_;
  MonitorClient sandbox_;
  std::optional<ExecConnection> connection_;
  std::mutex exec_mutex_;
  std::vector<std::thread> exec_waiters_;  // one per exec'd process, until it ended
};

}  // namespace runz::runtime
