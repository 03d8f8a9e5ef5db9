// One zone: its domain, console pump, 9pfs backend process and the agent-protocol conversation.
//
// Threads: one pump thread owns the console (PvConsole is single-threaded). It decodes what the agent sends
// (agent_proto::Decoder), keeps console text in <state dir>/console.log, writes STDOUT/STDERR payloads to
// the container's stdio, relays stdin as STDIN frames once the process started, and watches the domain for
// an unexpected end. API calls (start, signal, ...) queue frames for the pump and wait on a condition
// variable for the agent's answer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent-proto/decoder.hpp"
#include "agent-proto/messages.hpp"
#include "common/fd.hpp"
#include "zone/zone.hpp"
#include "xen/console.hpp"
#include "xen/domain_builder.hpp"
#include "xen/domain_lifecycle.hpp"
#include "xen/host_process.hpp"
#include "xen/terminal_resizes.hpp"
#include "xen/xc.hpp"
#include "xen/xs.hpp"
#include "xen/zone_exports.hpp"

namespace runz::xen {

// How long a zone may take from unpause to the agent's HELLO, and the agent to answer a request. Generous:
// the emulated test host is slow. Override with RUNZ_ZONE_BOOT_TIMEOUT_S / RUNZ_ZONE_REQUEST_TIMEOUT_S.
inline constexpr std::chrono::seconds kDefaultBootTimeout{300};
inline constexpr std::chrono::seconds kDefaultRequestTimeout{120};
// The process handle runz uses for a container's main process (CREATE/START/SIGNAL/EXIT stream).
inline constexpr uint32_t kMainHandle = 1;

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
  zone::ZoneUsage usage() override;
  // memory.limit: the balloon target (memory/target) and maxmem, down to what the limit makes the zone
  // (zone_resources.hpp) and back up to, never past, the size it booted with; cpu.shares: the scheduler's
  // weight (1024 shares = Xen's default 256); cpu.quota/period: its cap (% of one CPU). The rest of
  // LinuxResources is not a domain's to change and is left as it was.
  void update(const spec::Resources& resources) override;

 private:
  // A process started with exec(), or a pod's further container: its stdio and what the agent said about
  // it (under mutex_).
  struct ExecProcess {
    zone::ZoneStdio stdio;
    std::function<void(zone::ZoneExit)> on_exit;
    std::optional<int32_t> pid;          // STARTED
    std::optional<int32_t> created_pid;  // CREATED (pod containers)
    std::optional<agent_proto::ErrorReport> error;
    bool relay_stdin = false;
    bool terminal = false;  // process.terminal: stdio.out is a host pty whose size the zone's pty follows
  };

  // What the zone holds for a pod's further container besides its process (under pod_mutex_).
  struct PodContainer {
    std::string id;
    ContainerExports exports;
  };

  // Waits until the agent answered for process `handle`: CREATED (`created`) or STARTED; returns its pid.
  // Throws with the agent's ERROR, the zone's end or a timeout; the entry in execs_ is left as it is.
  int32_t wait_for_process(uint32_t handle, bool created, const std::string& what);
  void build_domain_step();
  void start_backend_step();
  void boot_step();
  void create_step();
  void teardown() noexcept;

  void pump() noexcept;
  void pump_once(agent_proto::Decoder& decoder, std::string& out_pending);
  void on_frame(const agent_proto::Frame& frame);
  void on_exec_frame(const agent_proto::Frame& frame);
  void relay_stdin(int fd, uint32_t handle, std::string& out_pending);
  void on_console_text(std::string_view text);
  void queue_frame(agent_proto::MessageType type, uint32_t stream, std::string_view payload);
  void wake_pump() noexcept;  // the pump re-reads outgoing_, the stdin flags and stop_
  // Waits until `ready()` (under the lock) or a failure; throws runz::Error naming `what`.
  template <class Pred>
  void wait_for(Pred ready, std::chrono::seconds timeout, const std::string& what);
  std::string console_tail() const;  // under the lock
  // Byte counts and ring indexes of the console channel, for timeout messages (any thread).
  std::string channel_diagnostics() const;
  // After a request timed out: asks the zone kernel for a dump of its tasks over the console (SysRq t, at
  // console log level 9, then back to 1), so console.log shows where the agent and its children wait.
  // Waits a little for the dump. Call without the lock.
  void request_task_dump();
  void emit_record();
  // How ContainerExports records its devices and backend in record_.
  ContainerExports::Recorder exports_recorder();
  // Drops a container's exports from record_ once they are gone (the caller emits the record).
  void forget_in_record(const std::vector<zone::ZoneDevice>& devices, const std::optional<zone::HostProcess>& helper);

  zone::ZoneConfig cfg_;
  zone::ZoneStdio stdio_;
  std::function<void(const zone::ZoneRecord&)> on_record_;

  // Declaration order = reverse teardown order: handles outlive everything that points at them.
  XcHandle xc_;
  XsHandle xs_;
  XsHandle xs_watch_;
  std::mutex xc_mutex_;  // xc_ is used from API threads and the pump
  std::optional<BuiltDomain> built_;
  std::optional<ContainerExports> exports_;  // the main container's
  std::optional<PvConsole> console_;
  std::unique_ptr<ShutdownWatcher> watcher_;
  UniqueFd console_log_;
  UniqueFd wake_;  // eventfd: the pump has frames to send or must stop
  std::thread pump_thread_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  zone::ZoneRecord record_;
  std::string outgoing_;  // frames queued for the pump
  std::string outgoing_raw_;  // bytes the pump sends as they are (SysRq requests: not ^O-doubled)
  bool stop_ = false;
  bool hello_ = false;
  bool relay_stdin_ = false;
  std::optional<int32_t> created_pid_, started_pid_;
  std::optional<agent_proto::ErrorReport> agent_error_;
  std::optional<agent_proto::Exit> exit_;
  std::optional<DomainExit> domain_exit_;
  std::optional<std::string> pump_failure_;
  std::deque<char> console_tail_;
  std::deque<std::string> agent_log_tail_;  // the agent's last LOG lines, for error messages
  std::map<uint32_t, ExecProcess> execs_;
  TerminalResizes terminal_resizes_;  // pump thread only
  // HELLO said the zone kernel swallows ^O as SysRq: every 0x0F we send is doubled (agent_proto::Hello).
  std::atomic<bool> double_0f_{false};
  // Console channel traffic, counted by the pump for channel_diagnostics().
  std::atomic<uint64_t> bytes_sent_{0}, bytes_received_{0}, frames_received_{0};
  std::atomic<size_t> bytes_unsent_{0}, bytes_undecoded_{0};
  uint32_t next_handle_ = kMainHandle + 1;

  std::mutex pod_mutex_;
  std::map<uint32_t, PodContainer> pod_containers_;
  uint32_t next_devid_ = 0;  // the next free 9pfs devid (after the main container's exports)
};

}  // namespace runz::xen
