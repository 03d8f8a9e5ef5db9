// The agent's event loop: one poll() over the console, the signalfd for SIGCHLD, and every process's report
// pipe and stdio. Frames from the host are dispatched here (CREATE, START, EXEC, STDIN, SIGNAL, RESIZE,
// NETWORK, SHUTDOWN); what goes back (CREATED, STARTED, STDOUT/STDERR, EXIT, NETWORK_READY, ERROR) is sent
// only from this loop, so the console has a single writer. A NETWORK is done in steps on the loop's timer
// while its NICs appear (guest/network.hpp), not on a thread. Once a container's resolv.conf names Docker's
// embedded DNS (127.0.0.11), the loop also serves that address: its queries go to the host as DNS_QUERY,
// the host's DNS_ANSWERs come back to the processes that asked (guest/dns_forwarder.hpp).
#pragma once

#include "agent-proto/messages.hpp"
#include "guest/cgroups.hpp"
#include "guest/console_channel.hpp"
#include "guest/mounts.hpp"
#include "guest/process.hpp"
#include "guest/reaper.hpp"

#include <filesystem>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runz::guest {

class CpuHotplug;
class DnsForwarder;
class NetworkSetup;

struct AgentOptions {
  TagSource tags;
  std::filesystem::path state_dir = "/run/runz";  // per-container staging directories
  // Where the zone's cgroup2 hierarchy is (mounted at the first CREATE); unset: no per-container cgroups
  // (the test transport, whose agent must not touch its host's hierarchy).
  std::optional<std::filesystem::path> cgroup_root;
  // Bring vCPUs the host adds online (guest/cpu_hotplug.hpp): in a zone only, never on a test host.
  bool online_added_cpus = false;
};

// Why run() returned.
enum class AgentStop {
  kShutdown,      // SHUTDOWN frame
  kConsoleClosed  // end of the control channel's input (test transport)
};

class Agent {
 public:
  Agent(ConsoleChannel& console, AgentOptions options);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;
  AgentStop run();
  // Sends SIGKILL to every process of every container (on SHUTDOWN).
  void kill_everything();

 private:
  struct Container {
    uint32_t main_handle = 0;
    pid_t main_pid = -1;
    std::optional<ino_t> mount_ns;
    std::unique_ptr<agent_proto::Create> create;  // kept alive: EXEC reuses its linux section
    std::filesystem::path cgroup;                 // empty without per-container cgroups
    bool main_exited = false;
  };

  void on_frame(const agent_proto::Frame& frame);
  void on_create(const agent_proto::Frame& frame);
  void on_start(uint32_t handle);
  void on_exec(const agent_proto::Frame& frame);
  void on_signal(const agent_proto::Frame& frame);
  void on_network(const agent_proto::Frame& frame);
  void on_update(const agent_proto::Frame& frame);
  // Steps the NETWORK requests that are due; answers those that finished or failed.
  void advance_networks(std::chrono::steady_clock::time_point now);
  // After a container's CREATED: starts the DNS forwarder if its resolv.conf (as `pid` sees it) names
  // 127.0.0.11 and none runs yet; a failure is a LOG line.
  void start_dns_if_named(pid_t pid);
  // The container's cgroup with its linux.resources written (the hierarchy mounted on first use), or empty
  // when the zone has none (a LOG line says why, once). Throws for resources cgroup v2 cannot express.
  std::filesystem::path container_cgroup(const agent_proto::Create& create);
  void remove_cgroup(const std::string& container);
  void on_dns_readable();
  void on_dns_answer(const agent_proto::Frame& frame);
  void on_report_readable(ManagedProcess& p);
  void on_reaped(pid_t pid, int status);
  void finish_if_done(ManagedProcess& p, bool force);
  void send_error(uint32_t stream, std::string_view step, const std::exception& e);
  ManagedProcess* find(uint32_t handle);

  ConsoleChannel& console_;
  AgentOptions options_;
  Reaper reaper_;
  std::map<uint32_t, ManagedProcess> processes_;
  std::map<std::string, Container> containers_;
  std::optional<ZoneCgroups> cgroups_;
  bool cgroups_tried_ = false;
  std::vector<std::string> cgroups_to_remove_;  // busy at their container's end: retried as processes are reaped
  std::map<uint32_t, std::unique_ptr<NetworkSetup>> networks_;  // NETWORK requests in progress, by handle
  std::unique_ptr<CpuHotplug> cpu_hotplug_;  // with options_.online_added_cpus
  std::unique_ptr<DnsForwarder> dns_;  // once a container's resolv.conf named 127.0.0.11; for the zone's life
};

}  // namespace runz::guest
