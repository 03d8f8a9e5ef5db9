// The host end of the agent protocol (docs/AGENT_PROTOCOL.md) with one zone's agent, over a ByteChannel.
//
// One table of processes keyed by the protocol's handle: the main process is handle 1 (kMainHandle),
// registered by the constructor with the container's stdio; exec'd processes and a pod's further containers
// get further handles, and so does each NETWORK request (an entry without a process). Every request waits on
// the same path (wait_for): the handle's answer (CREATED, STARTED, NETWORK_READY; HELLO for the zone), or the
// agent's ERROR for that handle, or the end of the channel, or a timeout whose message names the channel's
// counters, the agent's last LOG lines and the console's last text.
//
// Threads: the constructor starts one pump thread, the destructor joins it. The pump alone uses the channel:
// it sends queued frames, decodes what the agent sends, writes STDOUT/STDERR payloads to the processes' stdio,
// relays stdin as STDIN frames once a process started, polls terminal sizes for RESIZE frames, and asks the
// end check whether the channel's far end is gone. API calls come from any thread: they queue frames and wait
// on a condition variable. Callbacks run on the pump thread (console_sink, end_check, and on_exit at EXIT),
// except on_exit(128+9) from kill_and_remove (its caller's thread) and from the destructor.
//
// DNS relay: with options.dns_server set, the pump also answers the agent's DNS_QUERY frames
// (agent-proto/dns_message.hpp): each goes to that server through a net::DnsRelay (its sockets made by the
// pump thread, so in the network namespace the process stands in), and the server's answer goes back as
// DNS_ANSWER under the query's id. A query that is malformed, that the relay drops (32 in flight, a socket
// error) or that the server does not answer (an error, 5 s), and an answer that finds the channel backed up,
// are counted and logged at the first and every 100th, never an error of the session: DNS over UDP is allowed
// to lose datagrams.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "agent-proto/decoder.hpp"
#include "agent-proto/messages.hpp"
#include "common/drop_count.hpp"
#include "common/fd.hpp"
#include "net/dns_relay.hpp"
#include "xen/byte_channel.hpp"
#include "xen/terminal_resizes.hpp"
#include "zone/zone.hpp"

namespace runz::xen {

// The process handle runz uses for a container's main process (CREATE/START/SIGNAL/EXIT stream).
inline constexpr uint32_t kMainHandle = 1;

struct AgentSessionOptions {
  std::string name;  // what log lines and the task dump warning call the zone, e.g. `zone "c1"`
  std::chrono::seconds hello_timeout{300};    // for wait_hello()
  std::chrono::seconds request_timeout{120};  // for CREATED and STARTED
  // How long a timed-out request waits for the zone kernel's task dump to arrive (it is slow under TCG).
  std::chrono::milliseconds task_dump_wait{5000};
  zone::ZoneStdio main_stdio;  // the main process's (handle 1)
  bool main_terminal = false;  // process.terminal of the main process: main_stdio.out is a host pty
  // Console text (everything on the channel that is not a frame) and the agent's LOG lines as
  // "agent: <line>\n", in order. Pump thread.
  std::function<void(std::string_view)> console_sink;
  // The far end's own end (a domain that shut down): end_fd is polled with the channel (-1: none) and
  // end_check asked on each pump round; a reason it returns fails every wait from then on. Pump thread.
  int end_fd = -1;
  std::function<std::optional<std::string>()> end_check;
  // Where the agent's DNS_QUERY frames go (net::embedded_dns_address() for a container with a network
  // namespace); none: they are dropped (counted). Tests give a server of their own.
  std::optional<sockaddr_in> dns_server;
};

class AgentSession {
 public:
  enum class MainState { kNotStarted, kRunning, kGone };  // the main process: not STARTED yet, running, exited

  AgentSession(std::unique_ptr<ByteChannel> channel, AgentSessionOptions options);
  // Stops the pump. Processes still in the table that the agent created or started get on_exit(128+9):
  // they die with the zone.
  ~AgentSession();
  AgentSession(const AgentSession&) = delete;
  AgentSession& operator=(const AgentSession&) = delete;

  // Waits for the agent's HELLO.
  void wait_hello();
  // CREATE for `handle` (the main process, or one add_process registered); waits for CREATED, returns its pid.
  int32_t create(uint32_t handle, const agent_proto::Create& create);
  // START for `handle`; waits for STARTED, then relays its stdin. Returns its pid.
  int32_t start(uint32_t handle);
  void signal(uint32_t handle, int sig, bool all);
  // EXEC in `container` on a new handle with its own stdio; returns once STARTED. on_exit as Zone::exec.
  zone::ExecStarted exec(const std::string& container, const spec::Process& process, zone::ZoneStdio stdio,
                         std::function<void(zone::ZoneExit)> on_exit);
  // NETWORK on a new handle: the agent configures the zone's NICs. Returns at NETWORK_READY; throws
  // runz::Error with the agent's ERROR for it, the channel's end, or a timeout (request_timeout).
  void configure_network(const agent_proto::Network& network);
  // UPDATE on a new handle: the agent writes a container's new limits into its cgroup and/or freezes or
  // thaws it. Returns what the cgroup uses, from UPDATED; throws as configure_network.
  agent_proto::CgroupUsage update_container(const agent_proto::Update& update);
  // Blocks until the main process's EXIT; 128+9 (killed) when the channel ended first.
  zone::ZoneExit wait_exit();

  MainState main_state() const;
  // A handle no process uses yet (for add_process).
  uint32_t reserve_handle();
  // Registers a process for `handle`; on_exit is called at its EXIT, or with 128+9 when the session ends
  // after it was created.
  void add_process(uint32_t handle, zone::ZoneStdio stdio, std::function<void(zone::ZoneExit)> on_exit, bool terminal);
  bool has_process(uint32_t handle) const;
  // Forgets `handle` without calling its on_exit (a process that never started).
  void drop_process(uint32_t handle) noexcept;
  // Kills all that is left of `handle` (SIGNAL SIGKILL to all), waits up to `wait` for its EXIT, then forgets
  // it; its on_exit gets 128+9 if its EXIT did not come.
  void kill_and_remove(uint32_t handle, std::chrono::seconds wait) noexcept;

  // Byte counts of the channel and its own diagnostics, for messages (any thread).
  std::string channel_diagnostics() const;

 private:
  // A process in the table and what the agent said about it (under mutex_). Only the pump writes to the
  // stdio fds and closes them at EOF; entries of started processes are erased only at EXIT (pump thread),
  // in kill_and_remove, and by the destructor once the pump stopped. An EXIT that comes while a request
  // still waits on the process (a short-lived exec whose STARTED and EXIT arrived together) leaves the entry,
  // without stdio and on_exit, for that wait to read its answer and erase it.
  struct Process {
    Process(zone::ZoneStdio s, std::function<void(zone::ZoneExit)> e, bool t)
        : stdio(std::move(s)), on_exit(std::move(e)), terminal(t) {}

    zone::ZoneStdio stdio;
    std::function<void(zone::ZoneExit)> on_exit;
    bool terminal = false;  // process.terminal: stdio.out is a host pty whose size the zone's pty follows
    std::optional<int32_t> created_pid;  // CREATED
    std::optional<int32_t> pid;          // STARTED
    bool request_done = false;           // NETWORK_READY or UPDATED (a NETWORK or UPDATE request's handle)
    agent_proto::CgroupUsage cgroup_usage;  // UPDATED's
    std::optional<agent_proto::ErrorReport> error;
    std::optional<agent_proto::Exit> exit;  // the main process's entry stays for wait_exit
    bool relay_stdin = false;
    int waiters = 0;  // wait_for calls on it
  };
  enum class Milestone { kHello, kCreated, kStarted, kNetworkReady, kUpdated };

  // A request on a fresh handle with no process (NETWORK, UPDATE): sends the frame `encode` makes for the
  // handle and waits for `milestone`; returns the handle's entry as the answer left it, then forgets it.
  Process request_on_fresh_handle(Milestone milestone, const std::function<std::string(uint32_t)>& encode);

  // Sends `request` (a whole frame; none when empty) and waits until the agent reported `milestone` for
  // `handle`; returns its pid (0 for HELLO, NETWORK_READY, UPDATED). The request is queued once the wait is registered
  // on the handle's entry, so an EXIT that arrives with the answer (a short-lived process) leaves the entry
  // for this wait to read. Throws runz::Error with the agent's ERROR for the handle, the channel's end, or a
  // timeout (after asking for a task dump).
  int32_t wait_for(uint32_t handle, Milestone milestone, std::string request = {});
  void queue(std::string frame);
  void queue_frame(agent_proto::MessageType type, uint32_t stream, std::string_view payload);
  void relay_stdin_from_now(uint32_t handle);
  void wake_pump() noexcept;  // the pump re-reads the queue, the stdin flags and stop_
  // After a request timed out: asks the zone kernel for a dump of its tasks over the console (SysRq t, at
  // console log level 9, then back to 1), so the console text shows where the agent and its children wait.
  // Waits options_.task_dump_wait for the dump. Call without the lock.
  void request_task_dump();
  // "; <channel diagnostics>; agent log: ...; zone console: ..." (under the lock).
  std::string failure_note() const;

  // agent_session_pump.cpp, pump thread
  void pump() noexcept;
  void pump_once();
  void on_frame(const agent_proto::Frame& frame);
  void on_process_frame(const agent_proto::Frame& frame);
  void on_dns_query(const agent_proto::Frame& frame);
  // The relay's answers as DNS_ANSWER frames (after poll: `polled` are the relay's pollfds).
  void relay_dns_answers(std::span<const pollfd> polled);
  void log_dns_drop(DropCount& drops, std::string_view what);
  void relay_stdin(int fd, uint32_t handle);
  void on_console_text(std::string_view text);
  void check_end();
  std::string for_channel(std::string_view frames) const;  // ^O doubled when HELLO asked for it

  AgentSessionOptions options_;
  std::unique_ptr<ByteChannel> channel_;
  UniqueFd wake_;  // eventfd: the pump has frames to send or must stop

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<uint32_t, Process> processes_;
  uint32_t next_handle_ = kMainHandle + 1;
  std::string outgoing_;      // frames queued for the pump
  std::string outgoing_raw_;  // bytes the pump sends as they are (SysRq requests: not ^O-doubled)
  bool stop_ = false;
  bool hello_ = false;
  std::optional<std::string> end_;           // why the channel's far end is gone (end_check)
  std::optional<std::string> pump_failure_;  // why the pump stopped
  std::deque<char> console_tail_;
  std::deque<std::string> agent_log_tail_;  // the agent's last LOG lines, for error messages

  // pump thread only
  agent_proto::Decoder decoder_;
  std::string out_pending_;  // bytes for the channel that did not fit yet
  bool channel_backlog_ = false;  // the last round stopped reading at its bound: more may be waiting
  TerminalResizes terminal_resizes_;
  std::unique_ptr<net::DnsRelay> dns_relay_;  // options_.dns_server's
  DropCount dns_bad_queries_, dns_dropped_queries_, dns_dropped_answers_, dns_unanswered_;

  // HELLO said the zone kernel swallows ^O as SysRq: every 0x0F we send is doubled (agent_proto::Hello).
  std::atomic<bool> double_0f_{false};
  // Channel traffic, counted by the pump for channel_diagnostics().
  std::atomic<uint64_t> bytes_sent_{0}, bytes_received_{0}, frames_received_{0};
  std::atomic<size_t> bytes_unsent_{0}, bytes_undecoded_{0};

  std::thread pump_thread_;  // last: started once everything above exists
};

}  // namespace runz::xen
