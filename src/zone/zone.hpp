// The boundary between the runtime (CLI + monitor, src/runtime) and the zone implementation (src/xen): a
// layer below both, so neither includes the other (scripts/check-layers.sh). The monitor drives one Zone per
// container; src/xen provides the real implementation, and only the `runz` executable's composition root
// (runtime/zone_factory_default.cpp) names it. Test doubles of these interfaces exist only in unit tests.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "spec/config.hpp"

namespace runz::zone {

// What the host's administrator sets for every zone (runtime/host_config.hpp); unset: runz's defaults.
struct HostSettings {
  std::optional<uint32_t> max_memory_mib;  // how far a zone may grow
  std::optional<uint32_t> max_vcpus;
  std::optional<uint32_t> backend_id_base;  // backend_user()
  std::optional<uint32_t> backend_max_fids;  // 9P fids per device (runz-p9-backend --max-fids)
};

// The 9pfs backend of a zone runs as a user and group of its own: the id base plus the zone's domid (at
// most 0x7FEF). The default base lies where no Debian or systemd allocation does (users below 65536,
// DynamicUser= below 65520, nspawn's container ranges end at 0x6FFEFFFF). The largest base keeps base +
// domid below 0xFFFF0000 (and so away from (uid_t)-1 and the overflow ids).
inline constexpr uint32_t kDefaultBackendIdBase = 0x70000000;
inline constexpr uint32_t kMaxBackendIdBase = 0xFFFF0000 - 0x8000;
inline uint32_t backend_user(const HostSettings& host, uint32_t domid) {
  return host.backend_id_base.value_or(kDefaultBackendIdBase) + domid;
}

// Everything a zone needs to be built for one container.
struct ZoneConfig {
  std::string id;                     // container id
  std::filesystem::path bundle;       // absolute
  std::filesystem::path rootfs;       // absolute, resolved against the bundle
  std::filesystem::path state_dir;    // <root>/<id>: the zone may keep files here (console.log)
  std::filesystem::path zone_dir;     // kernel + initrd (default /usr/lib/runz/zone)
  spec::Config config;                // validated
  // A pod's further container (spec::pod_sandbox_of): it joins the zone of this container, the sandbox,
  // through the sandbox's monitor socket, instead of getting a zone of its own.
  std::optional<std::string> sandbox;
  std::filesystem::path sandbox_socket;
  HostSettings host;
};

// The stdio the container's process gets: fds handed to `create` (pipes/fifos from a shim), or a terminal.
struct ZoneStdio {
  UniqueFd in, out, err;  // invalid = not connected (/dev/null semantics)
};

// A helper process the zone started on the host (e.g. the 9pfs backend), identified robustly.
struct HostProcess {
  pid_t pid = 0;
  uint64_t start_time = 0;  // field 22 of /proc/<pid>/stat, so a recycled pid is not mistaken for ours
};

// A paravirtual device the zone was given (its xenstore nodes): kind as the toolstack's device units
// name it ("console", "9pfs", ...) and its device number.
struct ZoneDevice {
  std::string kind;
  uint32_t devid = 0;
  bool operator==(const ZoneDevice&) const = default;
};

// What must be recorded in the state dir before the next resource is made, so `delete` can clean up after a
// `kill -9` of the monitor.
struct ZoneRecord {
  uint32_t domid = 0;
  std::string uuid;                       // the domain's Xen handle, checked before destroying a domid
  std::vector<HostProcess> helpers;       // backend processes
  std::vector<ZoneDevice> devices;        // recorded before their nodes are written
};

// Exit of the container's main process: status is the exit code, or 128+signal.
struct ZoneExit {
  int status = 0;
  std::optional<int> signal;
  bool oom_killed = false;  // killed by the OOM killer of its container's cgroup in the zone
};

// What the host accounts to a zone, i.e. to its domain: CPU time of all its vCPUs, the memory it holds now
// and the most it may hold.
struct ZoneUsage {
  uint64_t cpu_time_ns = 0;
  uint64_t memory_bytes = 0;
  uint64_t memory_limit_bytes = 0;
  uint64_t oom_kills = 0;  // OOM kills in the container's cgroup in the zone so far
};

// A change to a pod's further container's own cgroup in the zone (either part may be absent: only usage).
struct ContainerChange {
  std::optional<spec::Resources> resources;  // `runz update` of the container
  std::optional<bool> frozen;                // `runz pause` (true) / `resume` (false) of the container
};

// An exec'd process, or a further container of the zone: the zone's handle for it and its pid inside the zone.
struct ExecStarted {
  uint32_t handle = 0;
  int32_t pid = 0;
};

// A running zone. Implementations are thread-safe and pump I/O on their own thread(s).
class Zone {
 public:
  virtual ~Zone() = default;  // destroys the zone and everything it owns, synchronously
  virtual ZoneRecord record() const = 0;
  virtual void start() = 0;                     // exec process.args (created -> running)
  virtual void signal(int sig, bool all) = 0;   // deliver to the main process (or all processes)
  virtual void pause() = 0;                     // freeze the domain's vCPUs
  virtual void resume() = 0;
  virtual ZoneExit wait_exit() = 0;             // blocks until the main process exited and stdio drained

  // Another process in the running container (`runz exec`), with its own stdio. Returns once the agent
  // started it; throws if it could not be. `on_exit` is called exactly once, from any thread, when it ended
  // (its stdio drained), or with 128+9 when the zone went away first; it must not call back into the Zone.
  // `container`: the handle of a further container (add_container) to run it in, or none for the main one.
  virtual ExecStarted exec(const spec::Process& process, ZoneStdio stdio, std::function<void(ZoneExit)> on_exit,
                           std::optional<uint32_t> container) = 0;
  virtual void signal_exec(uint32_t handle, int sig) = 0;

  // A pod: further containers in this zone, each on its own rootfs (exported to the zone while it lives) in
  // its own mount namespace (and PID namespace, spec::wants_own_pid_namespace). add_container returns once the process is created (held before exec);
  // `on_exit` as for exec (not called if add_container throws). remove_container kills what is left of it
  // and withdraws its exports; call it once its exit was reported, or to give up on it.
  virtual ExecStarted add_container(const ZoneConfig& member, ZoneStdio stdio,
                                    std::function<void(ZoneExit)> on_exit) = 0;
  virtual void start_container(uint32_t handle) = 0;
  virtual void signal_container(uint32_t handle, int sig, bool all) = 0;
  virtual void remove_container(uint32_t handle) noexcept = 0;
  // The further container's own cgroup in the zone: new limits (the zone grows or shrinks by the change of
  // its share), frozen or thawed; returns what the container uses (its cgroup, not the zone).
  virtual ZoneUsage change_container(uint32_t handle, const ContainerChange& change) = 0;
  virtual ZoneUsage usage() = 0;
  // Brings the zone's NICs in line with the network namespace this process is in (the container's): one
  // NIC per interface there, wired to it, configured by the agent (addresses, routes, MTU); the NIC of an
  // interface that left is withdrawn. Called after the create hooks set the namespace up, then whenever it
  // changes. `host_netns_fd`: dom0's own namespace, where backend interfaces appear first; it must stay
  // open for the zone's life. The default: a zone without NICs (a pod's further container shares its
  // sandbox's).
  virtual void sync_network(int host_netns_fd) { (void)host_netns_fd; }
  // New limits for the running zone (`runz update`): what applies to a domain is applied, the rest is
  // left as it was (see the implementation); throws for a change the zone cannot make.
  virtual void update(const spec::Resources& resources) = 0;
};

class ZoneFactory {
 public:
  virtual ~ZoneFactory() = default;
  // Throws runz::Error with one clear line if this host cannot run zones (e.g. not a Xen dom0).
  virtual void check_host() const = 0;
  // Builds the zone and waits for the agent to have the process created (held before exec). `on_record` is
  // called each time a new resource was made, before the next one, with the record so far.
  virtual std::unique_ptr<Zone> create(const ZoneConfig& cfg, ZoneStdio stdio,
                                       const std::function<void(const ZoneRecord&)>& on_record) = 0;
  // Removes whatever a dead monitor left (domain by domid+uuid, helper processes); never throws.
  virtual void cleanup(const ZoneRecord& record) noexcept = 0;
  // Whether the zone of `record` is still there: its domain exists with the recorded UUID handle (domids
  // get reused). nullopt when this factory cannot tell (the default, or no access to the hypervisor).
  // `runz state` and `list` ask it for a container whose monitor lives; never throws.
  virtual std::optional<bool> zone_exists(const ZoneRecord& /*record*/) const noexcept { return std::nullopt; }
};

}  // namespace runz::zone
