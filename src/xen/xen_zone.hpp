// One zone: its domain, 9pfs backend process and the agent session over its console; XenZone orchestrates
// their life (build, devices, session, teardown) and hands the protocol to the session (agent_session.hpp).
//
// Threads: the session's pump thread owns the console. API calls (start, signal, ...) come from any thread;
// xc_ is shared with the pump (the session's end check reads the domain's state) under xc_mutex_.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/capped_log.hpp"
#include "common/fd.hpp"
#include "zone/zone.hpp"
#include "xen/agent_session.hpp"
#include "xen/domain_builder.hpp"
#include "xen/domain_lifecycle.hpp"
#include "xen/host_process.hpp"
#include "xen/xc.hpp"
#include "xen/xs.hpp"
#include "xen/zone_exports.hpp"
#include "xen/zone_network.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {

// How long a zone may take from unpause to the agent's HELLO, and the agent to answer a request. Generous:
// the emulated test host is slow. Override with RUNZ_ZONE_BOOT_TIMEOUT_S / RUNZ_ZONE_REQUEST_TIMEOUT_S.
inline constexpr std::chrono::seconds kDefaultBootTimeout{300};
inline constexpr std::chrono::seconds kDefaultRequestTimeout{120};

class XenZone final : public zone::Zone {
 public:
  XenZone(const zone::ZoneConfig& cfg, zone::ZoneStdio stdio,
          const std::function<void(const zone::ZoneRecord&)>& on_record);
  ~XenZone() override;

  // create() in steps: build the domain, start the backend, boot, HELLO, CREATE, CREATED.
  void build_and_create();

  zone::ZoneRecord record() const override;
  void start() override;
  void signal(int sig, bool all) override;
  void pause() override;
  void resume() override;
  zone::ZoneExit wait_exit() override;
  zone::ExecStarted exec(const spec::Process& process, zone::ZoneStdio stdio,
                            std::function<void(zone::ZoneExit)> on_exit, std::optional<uint32_t> container) override;
  void signal_exec(uint32_t handle, int sig) override;
  // A pod's further container: its exports (zone_exports.hpp: tags "p<handle>-rootfs", "p<handle>-m<i>",
  // devids after the zone's) hot-plugged into the running zone and waited for until connected; then CREATE
  // (pidNamespace: spec::wants_own_pid_namespace). remove_container stops their backend and removes the
  // devices again.
  zone::ExecStarted add_container(const zone::ZoneConfig& member, zone::ZoneStdio stdio,
                                     std::function<void(zone::ZoneExit)> on_exit) override;
  void start_container(uint32_t handle) override;
  void signal_container(uint32_t handle, int sig, bool all) override;
  void remove_container(uint32_t handle) noexcept override;
  // UPDATE to the agent for the container's cgroup; with new resources the zone first grows (or, after the
  // cgroup, shrinks) by the change of the container's share (zone_resources.hpp), as far as it can.
  zone::ZoneUsage change_container(uint32_t handle, const zone::ContainerChange& change) override;
  zone::ZoneUsage usage() override;
  // zone_network.hpp; then NETWORK to the agent for the new NICs. Each vif is recorded before its nodes
  // are written. Serialized (network_mutex_): the monitor calls it from its request and follower threads.
  void sync_network(int host_netns_fd) override;
  // memory.limit: maxmem and the balloon target (memory/target) to what the limit makes the zone
  // (zone_resources.hpp), up or down, within its maximum and the host's free memory; -1: the boot size.
  // cpu.quota/period (or cpus): the zone's online vCPUs (cpu/N/availability), within its maximum, and the
  // scheduler's cap (% of one CPU); cpu.shares: its weight (1024 shares = Xen's default 256). The rest of
  // LinuxResources is not a domain's to change. Then the container's cgroup in the zone gets all of it
  // (UPDATE to the agent), as runc writes a container's cgroup.
  void update(const spec::Resources& resources) override;

 private:
  // What the zone holds for a pod's further container besides its process (under pod_mutex_).
  struct PodContainer {
    std::string id;
    ContainerExports exports;
    ZoneSize added{0, 0};  // what the zone grew by for it (reshare), given back at removal
  };

  template <class F>
  void timed_phase(std::string_view name, F&& f);
  void build_domain_step();
  void start_backend_step();
  void boot_step();
  void create_step();
  void teardown() noexcept;
  // What `update` changes: the zone's size and the scheduler's weight and cap (nullopt: as they are).
  struct SizeChange {
    ZoneSize target;
    std::optional<uint32_t> weight, cap;
  };
  SizeChange plan_update(const spec::Resources& resources);  // xc_mutex_ held; throws past a maximum
  // The zone's memory target, maxmem and online vCPUs to `target` (xc_mutex_ held; checked by the caller).
  void apply_size(const ZoneSize& target);
  // A pod's further container whose share of the zone (zone_resources.hpp) was `old_share` (what the zone
  // grew by for it) is now `share`: the zone gives the old back (never below its boot size) and grows by the
  // new as far as it can, in one step. Returns what the zone grew by this time.
  ZoneSize reshare(const ZoneSize& old_share, const ZoneSize& share);
  void grow_for_member(uint32_t handle, const zone::ZoneConfig& member);

  void on_console_text(std::string_view text);  // the session's console sink: console.log
  void emit_record();
  // How ContainerExports records its devices and backend in record_.
  ContainerExports::Recorder exports_recorder();
  // Drops a container's exports from record_ once they are gone (the caller emits the record).
  void forget_in_record(const std::vector<zone::ZoneDevice>& devices, const std::optional<zone::HostProcess>& helper);

  zone::ZoneConfig cfg_;
  zone::ZoneStdio stdio_;  // the main process's, until boot hands it to the session
  std::function<void(const zone::ZoneRecord&)> on_record_;

  // Declaration order = reverse teardown order: handles outlive everything that points at them.
  XcHandle xc_;
  XsHandle xs_;
  XsHandle xs_watch_;
  std::mutex xc_mutex_;  // xc_ is used from API threads and the pump
  std::optional<BuiltDomain> built_;
  // The zone's size at boot, how far it may grow and what it has now (under xc_mutex_ after the build).
  ZoneSize boot_size_;
  ZoneSize max_size_;
  ZoneSize size_now_;
  uint64_t oom_kills_ = 0;  // the main container's cgroup's, as last read (usage())
  std::optional<ContainerExports> exports_;  // the main container's
  std::mutex network_mutex_;
  std::optional<ZoneNetwork> network_;  // from the first sync_network on
  std::unique_ptr<ShutdownWatcher> watcher_;
  CappedLog console_log_;  // console.log, capped (kConsoleLogCapBytes)
  std::unique_ptr<AgentSession> session_;  // from boot on

  mutable std::mutex mutex_;  // record_
  zone::ZoneRecord record_;

  std::mutex pod_mutex_;
  std::map<uint32_t, PodContainer> pod_containers_;
  uint32_t next_devid_ = 0;  // the next free 9pfs devid (after the main container's exports)
};

}  // namespace runz::xen
