// The agent session's API side: the process table, requests and the one wait path (the pump:
// agent_session_pump.cpp).
#include "xen/agent_session.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <utility>

#include "common/error.hpp"
#include "common/printable.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

namespace ap = runz::agent_proto;

constexpr zone::ZoneExit kKilled{128 + 9, 9};

}  // namespace

AgentSession::AgentSession(std::unique_ptr<ByteChannel> channel, AgentSessionOptions options)
    : options_(std::move(options)), channel_(std::move(channel)) {
  int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw_errno("eventfd");
  wake_.reset(fd);
  processes_.emplace(kMainHandle, Process(std::move(options_.main_stdio), {}, options_.main_terminal));
  if (options_.dns_server) dns_relay_ = std::make_unique<net::DnsRelay>(*options_.dns_server);
  pump_thread_ = std::thread([this] { pump(); });
}

AgentSession::~AgentSession() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_pump();
  if (pump_thread_.joinable()) pump_thread_.join();
  // processes still running die with the zone
  std::map<uint32_t, Process> processes;
  {
    std::lock_guard lock(mutex_);
    processes.swap(processes_);
  }
  for (auto& [handle, p] : processes) {
    if (!(p.pid || p.created_pid) || !p.on_exit) continue;
    try {
      p.on_exit(kKilled);
    } catch (...) {
    }
  }
}

// --- requests ------------------------------------------------------------------------------------------------

void AgentSession::wake_pump() noexcept {
  uint64_t one = 1;
  // Only EAGAIN (the counter is full) can fail a write to our eventfd: the pump is awake then anyway.
  (void)!::write(wake_.get(), &one, sizeof(one));
}

void AgentSession::queue(std::string frame) {
  {
    std::lock_guard lock(mutex_);
    outgoing_ += frame;
  }
  wake_pump();
}

void AgentSession::queue_frame(ap::MessageType type, uint32_t stream, std::string_view payload) {
  queue(ap::encode_frame(type, stream, payload));
}

void AgentSession::wait_hello() { wait_for(kMainHandle, Milestone::kHello); }

int32_t AgentSession::create(uint32_t handle, const ap::Create& create) {
  return wait_for(handle, Milestone::kCreated, ap::encode(handle, create));
}

int32_t AgentSession::start(uint32_t handle) {
  const int32_t pid = wait_for(handle, Milestone::kStarted, ap::encode_frame(ap::MessageType::kStart, handle, ""));
  relay_stdin_from_now(handle);
  return pid;
}

void AgentSession::relay_stdin_from_now(uint32_t handle) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = processes_.find(handle); it != processes_.end()) it->second.relay_stdin = true;
  }
  wake_pump();
}

void AgentSession::signal(uint32_t handle, int sig, bool all) {
  queue_frame(ap::MessageType::kSignal, handle, ap::to_json_payload(ap::Signal{sig, all}));
}

zone::ExecStarted AgentSession::exec(const std::string& container, const spec::Process& process,
                                     zone::ZoneStdio stdio, std::function<void(zone::ZoneExit)> on_exit) {
  uint32_t handle = 0;
  {
    std::lock_guard lock(mutex_);
    const Process& main = processes_.at(kMainHandle);
    if (!main.pid) throw Error("the container's process is not running", EINVAL);
    if (main.exit || end_ || pump_failure_) throw Error("the container's process has exited", ESRCH);
    handle = next_handle_++;
    processes_.emplace(handle, Process(std::move(stdio), std::move(on_exit), process.terminal));
  }
  try {
    const int32_t pid = wait_for(handle, Milestone::kStarted,
                                 ap::encode_frame(ap::MessageType::kExec, handle, ap::to_json_payload(ap::Exec{container, process})));
    relay_stdin_from_now(handle);
    return zone::ExecStarted{handle, pid};
  } catch (...) {
    drop_process(handle);  // on_exit is not called for a process that never started
    throw;
  }
}

AgentSession::Process AgentSession::request_on_fresh_handle(Milestone milestone,
                                                           const std::function<std::string(uint32_t)>& encode) {
  uint32_t handle = 0;
  {
    std::lock_guard lock(mutex_);
    handle = next_handle_++;
    processes_.emplace(handle, Process(zone::ZoneStdio{}, {}, false));  // no process: only the answer waits here
  }
  try {
    wait_for(handle, milestone, encode(handle));
  } catch (...) {
    drop_process(handle);
    throw;
  }
  std::optional<Process> answered;
  {
    std::lock_guard lock(mutex_);
    if (auto it = processes_.find(handle); it != processes_.end()) answered.emplace(std::move(it->second));
  }
  drop_process(handle);
  if (!answered) throw Error(options_.name + ": the answer to request " + std::to_string(handle) + " was lost", EPROTO);
  return std::move(*answered);
}

void AgentSession::configure_network(const ap::Network& network) {
  request_on_fresh_handle(Milestone::kNetworkReady, [&](uint32_t handle) { return ap::encode(handle, network); });
}

ap::CgroupUsage AgentSession::update_container(const ap::Update& update) {
  return request_on_fresh_handle(Milestone::kUpdated, [&](uint32_t handle) { return ap::encode(handle, update); })
      .cgroup_usage;
}

zone::ZoneExit AgentSession::wait_exit() {
  std::unique_lock lock(mutex_);
  const Process& main = processes_.at(kMainHandle);
  cv_.wait(lock, [&] { return main.exit.has_value() || end_.has_value() || pump_failure_.has_value(); });
  if (main.exit) return zone::ZoneExit{main.exit->status, main.exit->signal, main.exit->oom_killed};
  // The zone ended without the agent reporting: count it as killed.
  log_warning(options_.name + ": ended without EXIT: " + (end_ ? *end_ : *pump_failure_));
  return kKilled;
}

// --- the table -----------------------------------------------------------------------------------------------

AgentSession::MainState AgentSession::main_state() const {
  std::lock_guard lock(mutex_);
  const Process& main = processes_.at(kMainHandle);
  if (!main.pid) return MainState::kNotStarted;
  return main.exit || end_ || pump_failure_ ? MainState::kGone : MainState::kRunning;
}

uint32_t AgentSession::reserve_handle() {
  std::lock_guard lock(mutex_);
  return next_handle_++;
}

void AgentSession::add_process(uint32_t handle, zone::ZoneStdio stdio, std::function<void(zone::ZoneExit)> on_exit,
                               bool terminal) {
  std::lock_guard lock(mutex_);
  processes_.emplace(handle, Process(std::move(stdio), std::move(on_exit), terminal));
}

bool AgentSession::has_process(uint32_t handle) const {
  std::lock_guard lock(mutex_);
  auto it = processes_.find(handle);
  return it != processes_.end() && !it->second.exit;
}

void AgentSession::drop_process(uint32_t handle) noexcept {
  std::lock_guard lock(mutex_);
  processes_.erase(handle);
}

void AgentSession::kill_and_remove(uint32_t handle, std::chrono::seconds wait) noexcept {
  std::function<void(zone::ZoneExit)> on_exit;
  {
    std::unique_lock lock(mutex_);
    if (processes_.count(handle) && !end_ && !pump_failure_ && !stop_) {
      lock.unlock();
      try {
        signal(handle, SIGKILL, true);
      } catch (const std::exception& e) {
        log_warning(options_.name + ": kill process " + std::to_string(handle) + ": " + e.what());
      }
      lock.lock();
      cv_.wait_for(lock, wait, [&] {
        auto it = processes_.find(handle);
        return it == processes_.end() || it->second.exit || end_ || pump_failure_;
      });
    }
    if (auto it = processes_.find(handle); it != processes_.end()) {
      on_exit = std::move(it->second.on_exit);
      processes_.erase(it);
    }
  }
  if (on_exit) on_exit(kKilled);
}

// --- the one wait path ---------------------------------------------------------------------------------------

int32_t AgentSession::wait_for(uint32_t handle, Milestone milestone, std::string request) {
  const auto timeout = milestone == Milestone::kHello ? options_.hello_timeout : options_.request_timeout;
  const std::string what =
      milestone == Milestone::kHello          ? "agent HELLO"
      : milestone == Milestone::kNetworkReady ? "NETWORK_READY for request " + std::to_string(handle)
      : milestone == Milestone::kUpdated      ? "UPDATED for request " + std::to_string(handle)
                                              : std::string(milestone == Milestone::kCreated ? "CREATED" : "STARTED") +
                                                    (handle == kMainHandle ? " for the container process"
                                                                           : " for process " + std::to_string(handle));
  std::unique_lock lock(mutex_);
  // While it waits, an EXIT leaves the entry to it (see Process); the last wait on an exited one erases it.
  struct Waiting {
    std::map<uint32_t, Process>& processes;
    uint32_t handle;
    Waiting(std::map<uint32_t, Process>& p, uint32_t h) : processes(p), handle(h) {
      if (auto it = processes.find(handle); it != processes.end()) ++it->second.waiters;
    }
    ~Waiting() {
      auto it = processes.find(handle);
      if (it == processes.end()) return;
      if (--it->second.waiters == 0 && it->second.exit && handle != kMainHandle) processes.erase(it);
    }
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;
  } waiting(processes_, handle);  // destroyed before `lock`, so under it
  if (!request.empty()) {
    // queued only now that the wait counts: an EXIT right behind the answer leaves the entry to it
    outgoing_ += request;
    wake_pump();
  }
  // A stream-0 ERROR (the agent failed as a whole) is recorded for the main process, so HELLO waits on its
  // entry too.
  auto answer = [&]() -> std::optional<int32_t> {
    if (milestone == Milestone::kHello) return hello_ ? std::optional<int32_t>(0) : std::nullopt;
    auto it = processes_.find(handle);
    if (it == processes_.end()) return std::nullopt;
    if (milestone == Milestone::kNetworkReady || milestone == Milestone::kUpdated)
      return it->second.request_done ? std::optional<int32_t>(0) : std::nullopt;
    return milestone == Milestone::kCreated ? it->second.created_pid : it->second.pid;
  };
  auto settled = [&] {
    auto it = processes_.find(handle);
    return it == processes_.end() || answer() || it->second.error || end_ || pump_failure_ ||
           (it->second.exit && handle != kMainHandle);
  };
  const bool in_time = cv_.wait_for(lock, timeout, settled);
  if (auto pid = answer()) return *pid;
  if (!in_time) {
    lock.unlock();
    request_task_dump();
    lock.lock();
  }
  auto it = processes_.find(handle);
  if (it == processes_.end() || (it->second.exit && handle != kMainHandle))
    throw Error("the process ended before it was reported " + what, EIO);
  if (it->second.error) {
    const auto e = *it->second.error;
    it->second.error.reset();
    throw Error("zone agent: " + escape_controls(e.step) + ": " + escape_controls(e.message), e.errno_value);
  }
  const std::string note = failure_note();
  if (end_) throw Error("waiting for " + what + ": " + *end_ + note, EIO);
  if (pump_failure_) throw Error("waiting for " + what + ": " + *pump_failure_ + note, EIO);
  throw Error("waiting for " + what + ": timed out after " + std::to_string(timeout.count()) + " s" + note, ETIMEDOUT);
}

// The zone's own text (agent LOG lines, console) goes into one error message: control bytes escaped.
std::string AgentSession::failure_note() const {
  std::string agent_log;
  for (const auto& line : agent_log_tail_) agent_log += (agent_log.empty() ? "" : " | ") + escape_controls(line);
  const std::string tail = escape_controls(std::string(console_tail_.begin(), console_tail_.end()));
  return "; " + channel_diagnostics() + (agent_log.empty() ? "" : "; agent log: " + agent_log) +
         (tail.empty() ? "" : "; zone console: " + tail);
}

void AgentSession::request_task_dump() {
  if (!double_0f_) return;  // the zone kernel does not take SysRq on its console
  log_warning(options_.name + ": request timed out; asking the zone kernel for a task dump (console.log)");
  {
    std::lock_guard lock(mutex_);
    outgoing_raw_ += "\x0f" "9" "\x0f" "t" "\x0f" "1";
  }
  wake_pump();
  std::this_thread::sleep_for(options_.task_dump_wait);
}

std::string AgentSession::channel_diagnostics() const {
  std::string d = "console channel: sent " + std::to_string(bytes_sent_.load()) + " bytes (" +
                  std::to_string(bytes_unsent_.load()) + " not yet in the ring), received " +
                  std::to_string(bytes_received_.load()) + " bytes in " + std::to_string(frames_received_.load()) +
                  " frames (" + std::to_string(bytes_undecoded_.load()) + " undecoded)";
  if (std::string own = channel_->diagnostics(); !own.empty()) d += ", " + own;
  return d;
}

}  // namespace runz::xen
