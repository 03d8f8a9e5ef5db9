#include "xen/xen_zone.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "spec/pod.hpp"
#include "xen/devices/console.hpp"
#include "xen/log.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {
namespace {

namespace ap = runz::agent_proto;

// cryptomgr.notests: the crypto self-tests took ~1.2 s of a ~13 s zone boot under QEMU (initcall_debug);
// rcupdate.rcu_expedited: short RCU grace periods while modules load and 9p mounts; no_timer_check: no
// timer IRQ probing (a PV zone has Xen's timer). conformance/README.md, "Zone kernel boot".
constexpr const char* kZoneCmdline =
    "console=hvc0 quiet loglevel=1 cryptomgr.notests rcupdate.rcu_expedited=1 no_timer_check";
// Console text kept in memory for error messages (the whole text goes to console.log).
constexpr size_t kConsoleTailBytes = 4096;
constexpr size_t kAgentLogTailLines = 4;
// Outgoing bytes above which stdin is not read (back-pressure towards the stdin writer).
constexpr size_t kMaxPendingOutBytes = 64 * 1024;
constexpr std::chrono::milliseconds kPumpIdlePoll{1000};
constexpr std::chrono::milliseconds kPumpBusyPoll{50};
// how soon a resize of a host terminal reaches the zone (its size is polled, see terminal_resizes.hpp)
constexpr std::chrono::milliseconds kPumpTerminalPoll{250};
constexpr std::chrono::seconds kBackendNodesTimeout{30};
// How long removing a pod container waits for the agent to report it killed.
constexpr std::chrono::seconds kPodContainerKillWait{10};
// How long a timed-out request waits for the zone kernel's task dump to arrive (it is slow under TCG).
constexpr std::chrono::seconds kTaskDumpWait{5};

std::chrono::seconds env_seconds(const char* name, std::chrono::seconds fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n <= 0) return fallback;
  return std::chrono::seconds(n);
}

std::filesystem::path zone_kernel(const std::filesystem::path& zone_dir) {
  for (const char* name : {"vmlinux", "vmlinuz"}) {
    auto p = zone_dir / name;
    if (::access(p.c_str(), R_OK) == 0) return p;
  }
  throw Error("zone kernel not found: neither " + runz::quoted((zone_dir / "vmlinux").string()) + " nor " +
                  runz::quoted((zone_dir / "vmlinuz").string()) + " is readable (run runz-zone-image)",
              ENOENT);
}

// A STDOUT/STDERR payload to the fd given for it; an empty payload is EOF (the fd is closed so the reader
// sees end of file). A reader that went away closes the fd: the process's output is then discarded.
void write_stdio(UniqueFd& fd, const ap::Frame& frame, const std::string& whose) {
  if (frame.payload.empty()) {
    fd.reset();
    return;
  }
  if (!fd.valid()) return;
  try {
    write_all(fd.get(), frame.payload, "write");
  } catch (const std::exception& e) {
    log_warning("zone: writing " + whose + (frame.type == ap::MessageType::kStdout ? " stdout" : " stderr") + ": " +
                e.what());
    fd.reset();
  }
}

// CREATE for a container whose exports ContainerExports made with the same `prefix`.
ap::Create create_message(const zone::ZoneConfig& cfg, const std::string& prefix) {
  ap::Create c;
  c.container = cfg.id;
  c.rootfs.tag = rootfs_tag(prefix);
  c.rootfs.readonly = cfg.config.root.readonly;
  c.hostname = cfg.config.hostname;
  c.domainname = cfg.config.domainname;
  if (!cfg.config.process) throw Error("config has no process", EINVAL);
  c.process = *cfg.config.process;
  uint32_t index = 0;
  for (const spec::Mount& m : cfg.config.mounts) {
    ap::ZoneMount zm;
    zm.destination = m.destination;
    zm.options = m.options;
    zm.source = m.source;
    if (m.is_bind()) {
      zm.type = "9p";
      zm.tag = bind_mount_tag(prefix, index++);
      zm.file = exported_file_name(m).value_or("");
    } else {
      zm.type = m.type;
    }
    c.mounts.push_back(std::move(zm));
  }
  if (cfg.config.linux_) c.linux_ = *cfg.config.linux_;
  return c;
}

}  // namespace

XenZone::XenZone(const zone::ZoneConfig& cfg, zone::ZoneStdio stdio,
                 const std::function<void(const zone::ZoneRecord&)>& on_record)
    : cfg_(cfg),
      stdio_(std::move(stdio)),
      on_record_(on_record),
      xc_(XcHandle::open()),
      xs_(XsHandle::open()),
      xs_watch_(XsHandle::open()) {
  int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw_errno("eventfd");
  wake_.reset(fd);
  auto log_path = cfg_.state_dir / "console.log";
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) throw_errno("open " + runz::quoted(log_path.string()));
  console_log_.reset(log_fd);
}

XenZone::~XenZone() { teardown(); }

void XenZone::emit_record() {
  zone::ZoneRecord copy;
  {
    std::lock_guard lock(mutex_);
    copy = record_;
  }
  if (on_record_) on_record_(copy);
}

zone::ZoneRecord XenZone::record() const {
  std::lock_guard lock(mutex_);
  return record_;
}

// --- create ------------------------------------------------------------------------------------------------

void XenZone::build_and_create() {
  with_context("create zone for " + runz::quoted(cfg_.id), [&] {
    build_domain_step();
    start_backend_step();
    boot_step();
    create_step();
  });
}

void XenZone::build_domain_step() {
  DomainBuildConfig b;
  b.name = std::string(kDomainNamePrefix) + cfg_.id;
  b.kernel = zone_kernel(cfg_.zone_dir);
  b.initrd = cfg_.zone_dir / "initrd.img";
  b.cmdline = kZoneCmdline;
  ZoneSize size = zone_size(cfg_.config);
  b.memory_mib = size.memory_mib;
  b.vcpus = size.vcpus;
  built_ = build_domain(xc_, xs_, b, [&](DomId domid, const Uuid& uuid) {
    {
      std::lock_guard lock(mutex_);
      record_.domid = domid;
      record_.uuid = uuid.to_string();
      record_.devices.push_back(zone::ZoneDevice{std::string(devices::kConsoleKind), 0});
    }
    emit_record();
  });
}

void XenZone::start_backend_step() {
  exports_ = ContainerExports::start(xs_, built_->id(), cfg_, 0, "", false, kBackendNodesTimeout, exports_recorder());
  next_devid_ = exports_->next_devid();
}

ContainerExports::Recorder XenZone::exports_recorder() {
  ContainerExports::Recorder r;
  r.devices = [this](const std::vector<zone::ZoneDevice>& devices) {
    {
      std::lock_guard lock(mutex_);
      record_.devices.insert(record_.devices.end(), devices.begin(), devices.end());
    }
    emit_record();
  };
  r.helper = [this](const zone::HostProcess& helper) {
    {
      std::lock_guard lock(mutex_);
      record_.helpers.push_back(helper);
    }
    emit_record();
  };
  r.forget = [this](const std::vector<zone::ZoneDevice>& devices, const std::optional<zone::HostProcess>& helper) {
    forget_in_record(devices, helper);
    emit_record();
  };
  return r;
}

void XenZone::forget_in_record(const std::vector<zone::ZoneDevice>& devices,
                               const std::optional<zone::HostProcess>& helper) {
  std::lock_guard lock(mutex_);
  std::erase_if(record_.devices,
                [&](const zone::ZoneDevice& d) { return std::find(devices.begin(), devices.end(), d) != devices.end(); });
  if (helper) std::erase_if(record_.helpers, [&](const zone::HostProcess& h) { return h.pid == helper->pid; });
}

void XenZone::boot_step() {
  const DomId domid = built_->id();
  console_.emplace(PvConsole::attach(domid, built_->console_mfn, built_->console_port));
  watcher_ = std::make_unique<ShutdownWatcher>(xc_, xs_watch_, domid, built_->uuid);
  pump_thread_ = std::thread([this] { pump(); });
  {
    std::lock_guard xc_lock(xc_mutex_);
    unpause_domain(xc_, domid);
  }
  wait_for([&] { return hello_; }, env_seconds("RUNZ_ZONE_BOOT_TIMEOUT_S", kDefaultBootTimeout), "agent HELLO");
}

void XenZone::create_step() {
  const ap::Create c = create_message(cfg_, "");
  const std::string frame = ap::encode(kMainHandle, c);
  {
    std::lock_guard lock(mutex_);
    outgoing_ += frame;
  }
  wake_pump();
  wait_for([&] { return created_pid_.has_value(); }, env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout),
           "CREATED for the container process");
}

// --- API ---------------------------------------------------------------------------------------------------

void XenZone::wake_pump() noexcept {
  uint64_t one = 1;
  // Only EAGAIN (the counter is full) can fail a write to our eventfd: the pump is awake then anyway.
  (void)!::write(wake_.get(), &one, sizeof(one));
}

void XenZone::queue_frame(ap::MessageType type, uint32_t stream, std::string_view payload) {
  std::string frame = ap::encode_frame(type, stream, payload);
  {
    std::lock_guard lock(mutex_);
    outgoing_ += frame;
  }
  wake_pump();
}

void XenZone::start() {
  queue_frame(ap::MessageType::kStart, kMainHandle, "");
  wait_for([&] { return started_pid_.has_value(); }, env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout),
           "STARTED for the container process");
  {
    std::lock_guard lock(mutex_);
    relay_stdin_ = true;
  }
  wake_pump();
}

void XenZone::signal(int sig, bool all) {
  queue_frame(ap::MessageType::kSignal, kMainHandle, ap::to_json_payload(ap::Signal{sig, all}));
}

void XenZone::pause() {
  std::lock_guard lock(xc_mutex_);
  pause_domain(xc_, built_->id());
}

void XenZone::resume() {
  std::lock_guard lock(xc_mutex_);
  unpause_domain(xc_, built_->id());
}

zone::ZoneUsage XenZone::usage() {
  std::lock_guard lock(xc_mutex_);
  const auto info = xc_.domain_info(built_->id());
  if (!info) throw Error("zone " + runz::quoted(cfg_.id) + ": its domain is gone", ENOENT);
  constexpr uint64_t kPage = 4096;
  return zone::ZoneUsage{info->cpu_time_ns, info->tot_pages * kPage, info->max_pages * kPage};
}

void XenZone::update(const spec::Resources& resources) {
  std::lock_guard lock(xc_mutex_);
  const DomId domid = built_->id();
  if (resources.memory && resources.memory->limit) {
    const uint32_t boot_mib = zone_size(cfg_.config).memory_mib;
    const int64_t limit = *resources.memory->limit;
    const uint32_t mib = limit > 0 ? zone_memory_mib(limit) : boot_mib;  // -1: no limit, the boot size again
    if (mib > boot_mib) {
      throw Error("memory limit " + std::to_string(limit) + " B: the zone would need " + std::to_string(mib) +
                      " MiB, more than the " + std::to_string(boot_mib) +
                      " MiB it booted with (a zone shrinks, and grows back, but not past its boot size)",
                  EINVAL);
    }
    const uint64_t kib = uint64_t{mib} * 1024;
    // maxmem first, as libxl does: a target above the old maxmem could not be reached otherwise
    xc_.set_max_mem_kib(domid, kib + kMaxmemSlackKiB);
    xs_.write("/local/domain/" + std::to_string(domid) + "/memory/target", std::to_string(kib));
  }
  if (resources.cpu) {
    const auto& cpu = *resources.cpu;
    std::optional<uint32_t> weight, cap;
    if (cpu.shares && *cpu.shares > 0) weight = static_cast<uint32_t>(std::clamp<uint64_t>(*cpu.shares / 4, 1, 65535));
    if (cpu.quota) {
      const uint64_t period = cpu.period.value_or(kDefaultCpuPeriodUs);
      const int64_t quota = *cpu.quota;
      cap = quota > 0 && period > 0
                ? static_cast<uint32_t>(std::min<uint64_t>((uint64_t(quota) * 100 + period - 1) / period, 65535))
                : 0;  // -1 (or 0): no cap
    }
    if (weight || cap) xc_.set_sched_params(domid, weight, cap);
  }
}

zone::ZoneExit XenZone::wait_exit() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return exit_.has_value() || domain_exit_.has_value() || pump_failure_.has_value(); });
  if (exit_) return zone::ZoneExit{exit_->status, exit_->signal};
  // The zone ended without the agent reporting: count it as killed.
  log_warning("zone of " + runz::quoted(cfg_.id) + " ended without EXIT: " +
              (domain_exit_ ? domain_exit_->describe() : *pump_failure_));
  return zone::ZoneExit{128 + 9, 9};
}

zone::ExecStarted XenZone::exec(const spec::Process& process, zone::ZoneStdio stdio,
                                   std::function<void(zone::ZoneExit)> on_exit, std::optional<uint32_t> container) {
  std::string target = cfg_.id;
  if (container) {
    std::lock_guard lock(pod_mutex_);
    auto it = pod_containers_.find(*container);
    if (it == pod_containers_.end()) throw Error("no pod container with handle " + std::to_string(*container), ESRCH);
    target = it->second.id;
  }
  uint32_t handle = 0;
  {
    std::lock_guard lock(mutex_);
    if (!started_pid_) throw Error("the container's process is not running", EINVAL);
    if (exit_ || domain_exit_ || pump_failure_) throw Error("the container's process has exited", ESRCH);
    handle = next_handle_++;
    execs_.emplace(handle, ExecProcess{std::move(stdio), std::move(on_exit), {}, {}, {}, false, process.terminal});
  }
  queue_frame(ap::MessageType::kExec, handle, ap::to_json_payload(ap::Exec{target, process}));
  try {
    const int32_t pid = wait_for_process(handle, false, "STARTED");
    {
      std::lock_guard lock(mutex_);
      if (auto it = execs_.find(handle); it != execs_.end()) it->second.relay_stdin = true;
    }
    wake_pump();
    return zone::ExecStarted{handle, pid};
  } catch (...) {
    std::lock_guard lock(mutex_);
    execs_.erase(handle);  // on_exit is not called for a process that never started
    throw;
  }
}

int32_t XenZone::wait_for_process(uint32_t handle, bool created, const std::string& what) {
  std::unique_lock lock(mutex_);
  const auto timeout = env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout);
  auto answer = [&]() -> std::optional<int32_t> {
    auto it = execs_.find(handle);
    if (it == execs_.end()) return std::nullopt;
    return created ? it->second.created_pid : it->second.pid;
  };
  auto settled = [&] {
    auto it = execs_.find(handle);
    return it == execs_.end() || answer() || it->second.error || domain_exit_ || pump_failure_;
  };
  cv_.wait_for(lock, timeout, settled);
  if (auto pid = answer()) return *pid;
  auto it = execs_.find(handle);
  if (it == execs_.end()) throw Error("the process ended before it was reported " + what, EIO);
  if (it->second.error) {
    const auto e = *it->second.error;
    it->second.error.reset();
    throw Error("zone agent: " + e.step + ": " + e.message, e.errno_value);
  }
  if (domain_exit_) throw Error("the zone's domain ended (" + domain_exit_->describe() + ")", EIO);
  if (pump_failure_) throw Error(*pump_failure_, EIO);
  throw Error("timed out after " + std::to_string(timeout.count()) + " s waiting for " + what + "; " +
                  channel_diagnostics(),
              ETIMEDOUT);
}

// --- pod containers ----------------------------------------------------------------------------------------

zone::ExecStarted XenZone::add_container(const zone::ZoneConfig& member, zone::ZoneStdio stdio,
                                            std::function<void(zone::ZoneExit)> on_exit) {
  return with_context("add container " + runz::quoted(member.id) + " to the zone of " + runz::quoted(cfg_.id), [&] {
    uint32_t handle = 0;
    {
      std::lock_guard lock(mutex_);
      if (!started_pid_ || exit_ || domain_exit_ || pump_failure_)
        throw Error("the sandbox's process is not running", ESRCH);
      handle = next_handle_++;
    }
    const std::string prefix = "p" + std::to_string(handle) + "-";
    uint32_t first_devid = 0;
    {
      std::lock_guard lock(pod_mutex_);
      first_devid = next_devid_;
      next_devid_ += export_count(member);
    }
    PodContainer pod{member.id,
                     ContainerExports::start(xs_, built_->id(), member, first_devid, prefix, true,
                                             env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout),
                                             exports_recorder())};
    {
      std::lock_guard lock(pod_mutex_);
      pod_containers_.emplace(handle, std::move(pod));
    }
    try {
      ap::Create create = create_message(member, prefix);
      create.pid_namespace = spec::wants_own_pid_namespace(member.config);
      const bool terminal = create.process.terminal;
      {
        std::lock_guard lock(mutex_);
        execs_.emplace(handle, ExecProcess{std::move(stdio), std::move(on_exit), {}, {}, {}, false, terminal});
      }
      queue_frame(ap::MessageType::kCreate, handle, ap::to_json_payload(create));
      return zone::ExecStarted{handle, wait_for_process(handle, true, "CREATED")};
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        execs_.erase(handle);  // on_exit is not called when add_container throws
      }
      remove_container(handle);
      throw;
    }
  });
}

void XenZone::start_container(uint32_t handle) {
  {
    std::lock_guard lock(pod_mutex_);
    if (!pod_containers_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
  }
  queue_frame(ap::MessageType::kStart, handle, "");
  wait_for_process(handle, false, "STARTED");
  {
    std::lock_guard lock(mutex_);
    if (auto it = execs_.find(handle); it != execs_.end()) it->second.relay_stdin = true;
  }
  wake_pump();
}

void XenZone::signal_container(uint32_t handle, int sig, bool all) {
  {
    std::lock_guard lock(pod_mutex_);
    if (!pod_containers_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
  }
  queue_frame(ap::MessageType::kSignal, handle, ap::to_json_payload(ap::Signal{sig, all}));
}

void XenZone::remove_container(uint32_t handle) noexcept {
  std::optional<PodContainer> pod;
  {
    std::lock_guard lock(pod_mutex_);
    auto it = pod_containers_.find(handle);
    if (it == pod_containers_.end()) return;
    pod = std::move(it->second);
    pod_containers_.erase(it);
  }
  // Whatever still runs of it is killed (its PID namespace goes with its first process), then its exports.
  std::function<void(zone::ZoneExit)> on_exit;
  {
    std::unique_lock lock(mutex_);
    if (execs_.count(handle) && !domain_exit_ && !pump_failure_ && !stop_) {
      lock.unlock();
      try {
        queue_frame(ap::MessageType::kSignal, handle, ap::to_json_payload(ap::Signal{SIGKILL, true}));
      } catch (const std::exception& e) {
        log_warning("zone " + runz::quoted(cfg_.id) + ": kill pod container " + runz::quoted(pod->id) + ": " + e.what());
      }
      lock.lock();
      cv_.wait_for(lock, kPodContainerKillWait, [&] { return !execs_.count(handle) || domain_exit_ || pump_failure_; });
    }
    if (auto it = execs_.find(handle); it != execs_.end()) {
      on_exit = std::move(it->second.on_exit);
      execs_.erase(it);
    }
  }
  if (on_exit) on_exit(zone::ZoneExit{128 + 9, 9});
  const std::optional<zone::HostProcess> helper = pod->exports.helper();
  pod->exports.stop_and_remove(xs_);
  forget_in_record(pod->exports.devices(), helper);
  try {
    emit_record();
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": record: " + e.what());
  }
}

void XenZone::signal_exec(uint32_t handle, int sig) {
  {
    std::lock_guard lock(mutex_);
    if (!execs_.count(handle)) throw Error("no exec'd process " + std::to_string(handle), ESRCH);
  }
  queue_frame(ap::MessageType::kSignal, handle, ap::to_json_payload(ap::Signal{sig, false}));
}

template <class Pred>
void XenZone::wait_for(Pred ready, std::chrono::seconds timeout, const std::string& what) {
  std::unique_lock lock(mutex_);
  bool ok = cv_.wait_for(lock, timeout, [&] {
    return ready() || agent_error_.has_value() || domain_exit_.has_value() || pump_failure_.has_value();
  });
  if (ready()) return;
  if (!ok && !agent_error_ && !domain_exit_ && !pump_failure_) {
    lock.unlock();
    request_task_dump();
    lock.lock();
  }
  std::string tail = console_tail();
  std::string agent_log;
  for (const auto& line : agent_log_tail_) agent_log += (agent_log.empty() ? "" : " | ") + line;
  std::string console_note = "; " + channel_diagnostics() + (agent_log.empty() ? "" : "; agent log: " + agent_log) +
                             (tail.empty() ? "" : "; zone console: " + tail);
  if (agent_error_) {
    auto e = *agent_error_;
    agent_error_.reset();
    throw Error("zone agent: " + e.step + ": " + e.message, e.errno_value);
  }
  if (domain_exit_) throw Error("waiting for " + what + ": the zone's domain ended (" + domain_exit_->describe() + ")" + console_note, EIO);
  if (pump_failure_) throw Error("waiting for " + what + ": " + *pump_failure_ + console_note, EIO);
  if (!ok) throw Error("waiting for " + what + ": timed out after " + std::to_string(timeout.count()) + " s" + console_note, ETIMEDOUT);
}

std::string XenZone::console_tail() const { return std::string(console_tail_.begin(), console_tail_.end()); }

void XenZone::request_task_dump() {
  if (!double_0f_) return;  // the zone kernel does not take SysRq on its console
  log_warning("zone " + runz::quoted(cfg_.id) + ": request timed out; asking the zone kernel for a task dump (console.log)");
  {
    std::lock_guard lock(mutex_);
    outgoing_raw_ += "\x0f" "9" "\x0f" "t" "\x0f" "1";
  }
  wake_pump();
  std::this_thread::sleep_for(kTaskDumpWait);
}

std::string XenZone::channel_diagnostics() const {
  std::string d = "console channel: sent " + std::to_string(bytes_sent_.load()) + " bytes (" +
                  std::to_string(bytes_unsent_.load()) + " not yet in the ring), received " +
                  std::to_string(bytes_received_.load()) + " bytes in " + std::to_string(frames_received_.load()) +
                  " frames (" + std::to_string(bytes_undecoded_.load()) + " undecoded)";
  if (console_) {
    const auto i = console_->ring_indexes();
    d += ", ring in cons/prod " + std::to_string(i.in_cons) + "/" + std::to_string(i.in_prod) + ", out cons/prod " +
         std::to_string(i.out_cons) + "/" + std::to_string(i.out_prod);
  }
  return d;
}

// --- pump --------------------------------------------------------------------------------------------------

void XenZone::pump() noexcept {
  ap::Decoder decoder;
  std::string out_pending;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    try {
      pump_once(decoder, out_pending);
    } catch (const std::exception& e) {
      log_error("zone " + runz::quoted(cfg_.id) + ": console pump: " + e.what());
      std::lock_guard lock(mutex_);
      pump_failure_ = std::string("console pump: ") + e.what();
      cv_.notify_all();
      return;
    }
  }
}

void XenZone::pump_once(ap::Decoder& decoder, std::string& out_pending) {
  // stdin to relay: (handle, fd) of the main process and of exec'd ones that are running
  std::vector<std::pair<uint32_t, int>> stdins;
  std::vector<std::pair<uint32_t, int>> terminals;  // (handle, host pty) of running processes with a terminal
  {
    std::lock_guard lock(mutex_);
    out_pending += double_0f_ ? ap::double_sysrq_prefix(outgoing_) : outgoing_;
    outgoing_.clear();
    out_pending += outgoing_raw_;
    outgoing_raw_.clear();
    if (relay_stdin_ && stdio_.in.valid()) stdins.emplace_back(kMainHandle, stdio_.in.get());
    if (relay_stdin_ && !exit_ && cfg_.config.process && cfg_.config.process->terminal && stdio_.out.valid())
      terminals.emplace_back(kMainHandle, stdio_.out.get());
    for (const auto& [handle, p] : execs_) {
      if (!p.relay_stdin) continue;
      if (p.stdio.in.valid()) stdins.emplace_back(handle, p.stdio.in.get());
      if (p.terminal && p.stdio.out.valid()) terminals.emplace_back(handle, p.stdio.out.get());
    }
  }
  // Window sizes are polled (a pty master gets no event when its size changes) on every iteration, before
  // stdin is read: input typed after a resize must not reach the zone before that resize does.
  const std::string resizes = terminal_resizes_.changed_frames(terminals);
  out_pending += double_0f_ ? ap::double_sysrq_prefix(resizes) : resizes;
  if (!out_pending.empty()) {
    size_t n = console_->write_some(std::as_bytes(std::span(out_pending.data(), out_pending.size())));
    out_pending.erase(0, n);
    bytes_sent_ += n;
  }
  bytes_unsent_ = out_pending.size();

  std::vector<pollfd> fds;
  fds.push_back({console_->fd(), POLLIN, 0});
  fds.push_back({wake_.get(), POLLIN, 0});
  fds.push_back({watcher_->fd(), POLLIN, 0});
  constexpr size_t kFirstStdin = 3;
  const bool read_stdin = !stdins.empty() && out_pending.size() < kMaxPendingOutBytes;
  if (read_stdin)
    for (const auto& [handle, fd] : stdins) fds.push_back({fd, POLLIN, 0});
  auto wait = !out_pending.empty() ? kPumpBusyPoll : terminals.empty() ? kPumpIdlePoll : kPumpTerminalPoll;
  int n = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
  if (n < 0 && errno != EINTR) throw_errno("poll");

  if (fds[0].revents & POLLIN) console_->handle_event();
  std::array<std::byte, 4096> buf{};
  std::vector<ap::Event> events;
  for (;;) {
    size_t got = console_->read_available(buf);
    if (got == 0) break;
    bytes_received_ += got;
    decoder.feed(std::string_view(reinterpret_cast<const char*>(buf.data()), got), events);
  }
  bytes_undecoded_ = decoder.pending_bytes();
  for (const ap::Event& ev : events) {
    if (const auto* frame = std::get_if<ap::Frame>(&ev)) {
      ++frames_received_;
      on_frame(*frame);
    } else {
      on_console_text(std::get<ap::ConsoleText>(ev).bytes);
    }
  }
  if (fds[1].revents & POLLIN) {
    uint64_t v = 0;
    (void)!::read(wake_.get(), &v, sizeof(v));
  }
  for (size_t i = kFirstStdin; read_stdin && i < fds.size(); ++i) {
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) relay_stdin(fds[i].fd, stdins[i - kFirstStdin].first, out_pending);
  }
  std::optional<DomainExit> ended;
  {
    std::lock_guard xc_lock(xc_mutex_);
    ended = watcher_->check();
  }
  if (ended) {
    std::lock_guard lock(mutex_);
    if (!domain_exit_) {
      log_info("zone " + runz::quoted(cfg_.id) + ": domain ended (" + ended->describe() + ")");
      domain_exit_ = ended;
      cv_.notify_all();
    }
  }
}

// One read of a process's stdin into a STDIN frame; end of file (or an error) becomes the empty STDIN frame
// and the fd is closed.
void XenZone::relay_stdin(int fd, uint32_t handle, std::string& out_pending) {
  std::array<char, 8192> in{};
  ssize_t r = ::read(fd, in.data(), in.size());
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  std::string frame;
  // r <= 0: end of file (or an error) is the empty STDIN frame
  ap::append_frame(frame, ap::MessageType::kStdin, handle, std::string_view(in.data(), r > 0 ? static_cast<size_t>(r) : 0));
  out_pending += double_0f_ ? ap::double_sysrq_prefix(frame) : frame;
  if (r > 0) return;
  std::lock_guard lock(mutex_);
  if (handle == kMainHandle) {
    stdio_.in.reset();
  } else if (auto it = execs_.find(handle); it != execs_.end()) {
    it->second.stdio.in.reset();
  }
}

void XenZone::on_console_text(std::string_view text) {
  try {
    write_all(console_log_.get(), text, "write console.log");
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": console.log: " + e.what());
  }
  std::lock_guard lock(mutex_);
  console_tail_.insert(console_tail_.end(), text.begin(), text.end());
  while (console_tail_.size() > kConsoleTailBytes) console_tail_.pop_front();
}

void XenZone::on_frame(const ap::Frame& frame) {
  using T = ap::MessageType;
  if (frame.stream != kMainHandle && frame.stream != ap::kZoneStream) {
    on_exec_frame(frame);
    cv_.notify_all();
    return;
  }
  switch (frame.type) {
    case T::kHello: {
      auto hello = ap::parse_hello(frame.payload);
      log_info("zone " + runz::quoted(cfg_.id) + ": agent " + hello.agent + " ready (kernel " + hello.kernel + ")");
      double_0f_ = hello.console_sysrq;
      std::lock_guard lock(mutex_);
      hello_ = true;
      break;
    }
    case T::kError: {
      auto report = ap::parse_error_report(frame.payload);
      log_warning("zone " + runz::quoted(cfg_.id) + ": agent error: " + report.step + ": " + report.message);
      std::lock_guard lock(mutex_);
      agent_error_ = report;
      break;
    }
    case T::kLog: {
      on_console_text("agent: " + frame.payload + "\n");
      std::lock_guard lock(mutex_);
      agent_log_tail_.push_back(frame.payload);
      if (agent_log_tail_.size() > kAgentLogTailLines) agent_log_tail_.pop_front();
      break;
    }
    case T::kCreated: {
      auto pid = ap::parse_process_pid(frame.payload);
      std::lock_guard lock(mutex_);
      created_pid_ = pid.pid;
      break;
    }
    case T::kStarted: {
      auto pid = ap::parse_process_pid(frame.payload);
      std::lock_guard lock(mutex_);
      started_pid_ = pid.pid;
      break;
    }
    case T::kStdout: write_stdio(stdio_.out, frame, "container"); break;
    case T::kStderr: write_stdio(stdio_.err, frame, "container"); break;
    case T::kExit: {
      auto e = ap::parse_exit(frame.payload);
      std::lock_guard lock(mutex_);
      exit_ = e;
      break;
    }
    default:
      log_warning("zone " + runz::quoted(cfg_.id) + ": unexpected " + std::string(ap::type_name(frame.type)) +
                  " frame from the agent");
      break;
  }
  cv_.notify_all();
}

// Frames about an exec'd process. Only the pump thread erases entries (at EXIT) once they started, so the
// stdio fds can be written without holding the lock.
void XenZone::on_exec_frame(const ap::Frame& frame) {
  using T = ap::MessageType;
  std::unique_lock lock(mutex_);
  auto it = execs_.find(frame.stream);
  if (it == execs_.end()) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": " + std::string(ap::type_name(frame.type)) +
                " frame for unknown process " + std::to_string(frame.stream));
    return;
  }
  ExecProcess& p = it->second;
  switch (frame.type) {
    case T::kCreated: p.created_pid = ap::parse_process_pid(frame.payload).pid; break;
    case T::kStarted: p.pid = ap::parse_process_pid(frame.payload).pid; break;
    case T::kError: p.error = ap::parse_error_report(frame.payload); break;
    case T::kStdout:
    case T::kStderr: {
      UniqueFd& fd = frame.type == T::kStdout ? p.stdio.out : p.stdio.err;
      lock.unlock();
      write_stdio(fd, frame, "exec'd process");
      break;
    }
    case T::kExit: {
      const ap::Exit e = ap::parse_exit(frame.payload);
      auto on_exit = std::move(p.on_exit);
      execs_.erase(it);
      lock.unlock();
      if (on_exit) on_exit(zone::ZoneExit{e.status, e.signal});
      break;
    }
    default:
      log_warning("zone " + runz::quoted(cfg_.id) + ": unexpected " + std::string(ap::type_name(frame.type)) +
                  " frame for exec'd process " + std::to_string(frame.stream));
      break;
  }
}

// --- teardown ----------------------------------------------------------------------------------------------

void XenZone::teardown() noexcept {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  if (wake_.valid()) wake_pump();
  if (pump_thread_.joinable()) pump_thread_.join();
  // exec'd processes still running die with the zone
  std::map<uint32_t, ExecProcess> execs;
  {
    std::lock_guard lock(mutex_);
    execs.swap(execs_);
  }
  for (auto& [handle, p] : execs) {
    if (!(p.pid || p.created_pid) || !p.on_exit) continue;
    try {
      p.on_exit(zone::ZoneExit{128 + 9, 9});
    } catch (...) {
    }
  }
  watcher_.reset();
  console_.reset();
  // The backends go before the domain: their grant mappings would keep a destroyed domain as a zombie.
  if (exports_) exports_->stop_and_remove(xs_);
  {
    std::lock_guard lock(pod_mutex_);
    for (auto& [handle, pod] : pod_containers_) pod.exports.stop_and_remove(xs_);
    pod_containers_.clear();
  }
  if (built_) {
    try {
      std::lock_guard lock(xc_mutex_);
      built_->domain.destroy();  // with it /local/domain/<domid>: the console's nodes
    } catch (const std::exception& e) {
      log_error("zone " + runz::quoted(cfg_.id) + ": destroying domain: " + e.what());
    }
  }
}

}  // namespace runz::xen
