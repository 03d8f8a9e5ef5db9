#include "xen/xen_zone.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "net/dns_relay.hpp"
#include "spec/pod.hpp"
#include "xen/devices/console.hpp"
#include "xen/elapsed.hpp"
#include "xen/log.hpp"
#include "xen/pv_console_channel.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {
namespace {

namespace ap = runz::agent_proto;

// cryptomgr.notests: the crypto self-tests took ~1.2 s of a ~13 s zone boot under QEMU (initcall_debug);
// rcupdate.rcu_expedited: short RCU grace periods while modules load and 9p mounts; no_timer_check: no
// timer IRQ probing (a PV zone has Xen's timer). conformance/README.md, "Zone kernel boot".
constexpr const char* kZoneCmdline =
    "console=hvc0 quiet loglevel=1 cryptomgr.notests rcupdate.rcu_expedited=1 no_timer_check";
constexpr std::chrono::seconds kBackendNodesTimeout{30};
// How long removing a pod container waits for the agent to report it killed.
constexpr std::chrono::seconds kPodContainerKillWait{10};
// console.log holds whatever console text the zone sends (it is on dom0's tmpfs). 1 MiB keeps a boot's
// kernel messages, a panic and a few SysRq task dumps (the largest, a few hundred KiB for a busy zone);
// past it the zone is flooding, and what it says no longer helps a diagnosis.
constexpr size_t kConsoleLogCapBytes = 1024 * 1024;

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

// A container with a network namespace of its own (not the host's): the monitor, and so the agent session's
// pump, stands in it, where Docker's embedded DNS may answer at 127.0.0.11 (docs/ARCHITECTURE.md, "Network").
bool has_network_namespace(const spec::Config& config) {
  if (!config.linux_) return false;
  return std::any_of(config.linux_->namespaces.begin(), config.linux_->namespaces.end(),
                     [](const spec::Namespace& ns) { return ns.type == "network"; });
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
  // As under runc: a config with a pid namespace of its own makes the process PID 1 there (tini and init
  // systems expect it, and `ps` in the container lists only its processes, not the zone kernel's threads).
  c.pid_namespace = spec::wants_own_pid_namespace(cfg.config);
  return c;
}

}  // namespace

// One line per phase of a zone's life with its duration, "zone "<id>": phase <name> <ms> ms": where a cold
// start's time goes, from runz's own clock (bench/zone-start reads them out of monitor.log).
template <class F>
void XenZone::timed_phase(std::string_view name, F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  log_info("zone " + runz::quoted(cfg_.id) + ": phase " + std::string(name) + " " + elapsed_ms(start) + " ms");
}

XenZone::XenZone(const zone::ZoneConfig& cfg, zone::ZoneStdio stdio,
                 const std::function<void(const zone::ZoneRecord&)>& on_record)
    : cfg_(cfg),
      stdio_(std::move(stdio)),
      on_record_(on_record),
      xc_(XcHandle::open()),
      xs_(XsHandle::open()),
      xs_watch_(XsHandle::open()),
      console_log_(CappedLog::open((cfg_.state_dir / "console.log").string(), kConsoleLogCapBytes)) {}

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
    timed_phase("build", [&] { build_domain_step(); });        // the domain, paused: xc/xenguest steps
    timed_phase("backends", [&] { start_backend_step(); });    // 9pfs backend up, xenbus nodes written
    timed_phase("boot", [&] { boot_step(); });                 // unpause to the agent's HELLO
    timed_phase("create", [&] { create_step(); });             // CREATE to CREATED: rootfs mounted
  });
}

void XenZone::build_domain_step() {
  DomainBuildConfig b;
  b.name = std::string(kDomainNamePrefix) + cfg_.id;
  b.kernel = zone_kernel(cfg_.zone_dir);
  b.initrd = cfg_.zone_dir / "initrd.img";
  boot_size_ = zone_size(cfg_.config);
  max_size_ = zone_maximums(boot_size_, xc_.host_info().total_kib / 1024, cfg_.host.max_memory_mib,
                            cfg_.host.max_vcpus);
  size_now_ = boot_size_;
  // Growth (zone_resources.hpp): hot-plugged memory comes online by itself. The vCPUs past the boot count
  // boot too and go offline as their availability says: maxcpus= would spare that, but a PV kernel drops
  // the CPUs past it from its possible ones, so they could never come online.
  b.cmdline = std::string(kZoneCmdline) + " memhp_default_state=online";
  b.memory_mib = boot_size_.memory_mib;
  b.vcpus = boot_size_.vcpus;
  b.max_memory_mib = max_size_.memory_mib;
  b.max_vcpus = max_size_.vcpus;
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
  exports_ = ContainerExports::start(xs_, built_->id(), cfg_, cfg_.host, 0, "", false, kBackendNodesTimeout, exports_recorder());
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
  watcher_ = std::make_unique<ShutdownWatcher>(xc_, xs_watch_, domid, built_->uuid);
  AgentSessionOptions options;
  options.name = "zone " + runz::quoted(cfg_.id);
  options.hello_timeout = env_seconds("RUNZ_ZONE_BOOT_TIMEOUT_S", kDefaultBootTimeout);
  options.request_timeout = env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout);
  options.main_stdio = std::move(stdio_);
  options.main_terminal = cfg_.config.process && cfg_.config.process->terminal;
  options.console_sink = [this](std::string_view text) { on_console_text(text); };
  options.end_fd = watcher_->fd();
  options.end_check = [this]() -> std::optional<std::string> {
    std::lock_guard xc_lock(xc_mutex_);
    if (auto ended = watcher_->check()) return "the zone's domain ended (" + ended->describe() + ")";
    return std::nullopt;
  };
  if (has_network_namespace(cfg_.config)) options.dns_server = net::embedded_dns_address();
  // the session's pump runs before unpause, so the console keeps the zone's first words
  session_ = std::make_unique<AgentSession>(
      std::make_unique<PvConsoleChannel>(PvConsole::attach(domid, built_->console_mfn, built_->console_port)),
      std::move(options));
  {
    std::lock_guard xc_lock(xc_mutex_);
    unpause_domain(xc_, domid);
  }
  session_->wait_hello();
}

void XenZone::create_step() { session_->create(kMainHandle, create_message(cfg_, "")); }

// --- API ---------------------------------------------------------------------------------------------------

void XenZone::start() {
  timed_phase("start", [&] { session_->start(kMainHandle); });  // START to STARTED: process exec'd
}

void XenZone::signal(int sig, bool all) { session_->signal(kMainHandle, sig, all); }

zone::ZoneExit XenZone::wait_exit() { return session_->wait_exit(); }

zone::ExecStarted XenZone::exec(const spec::Process& process, zone::ZoneStdio stdio,
                                   std::function<void(zone::ZoneExit)> on_exit, std::optional<uint32_t> container) {
  std::string target = cfg_.id;
  if (container) {
    std::lock_guard lock(pod_mutex_);
    auto it = pod_containers_.find(*container);
    if (it == pod_containers_.end()) throw Error("no pod container with handle " + std::to_string(*container), ESRCH);
    target = it->second.id;
  }
  return session_->exec(target, process, std::move(stdio), std::move(on_exit));
}

void XenZone::signal_exec(uint32_t handle, int sig) {
  if (handle == kMainHandle || !session_->has_process(handle))
    throw Error("no exec'd process " + std::to_string(handle), ESRCH);
  session_->signal(handle, sig, false);
}

// --- pod containers ----------------------------------------------------------------------------------------

zone::ExecStarted XenZone::add_container(const zone::ZoneConfig& member, zone::ZoneStdio stdio,
                                            std::function<void(zone::ZoneExit)> on_exit) {
  return with_context("add container " + runz::quoted(member.id) + " to the zone of " + runz::quoted(cfg_.id), [&] {
    if (session_->main_state() != AgentSession::MainState::kRunning)
      throw Error("the sandbox's process is not running", ESRCH);
    const uint32_t handle = session_->reserve_handle();
    const std::string prefix = "p" + std::to_string(handle) + "-";
    uint32_t first_devid = 0;
    {
      std::lock_guard lock(pod_mutex_);
      first_devid = next_devid_;
      next_devid_ += export_count(member);
    }
    PodContainer pod{member.id,
                     ContainerExports::start(xs_, built_->id(), member, cfg_.host, first_devid, prefix, true,
                                             env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout),
                                             exports_recorder())};
    {
      std::lock_guard lock(pod_mutex_);
      pod_containers_.emplace(handle, std::move(pod));
    }
    try {
      grow_for_member(handle, member);
      ap::Create create = create_message(member, prefix);
      session_->add_process(handle, std::move(stdio), std::move(on_exit), create.process.terminal);
      return zone::ExecStarted{handle, session_->create(handle, create)};
    } catch (...) {
      session_->drop_process(handle);  // on_exit is not called when add_container throws
      remove_container(handle);
      throw;
    }
  });
}

// Pods are sized by their containers: the zone grows by this one's limits while it is there (remove_container
// gives them back).
void XenZone::grow_for_member(uint32_t handle, const zone::ZoneConfig& member) {
  const ZoneSize share = container_share(member.config);
  const ZoneSize added = reshare(ZoneSize{0, 0}, share);
  {
    std::lock_guard lock(pod_mutex_);
    pod_containers_.at(handle).added = added;
  }
  if (added.memory_mib < share.memory_mib || added.vcpus < share.vcpus)
    log_warning("zone " + runz::quoted(cfg_.id) + ": container " + runz::quoted(member.id) + " asks for " +
                std::to_string(share.memory_mib) + " MiB and " + std::to_string(share.vcpus) +
                " vCPU(s); the zone grew by " + std::to_string(added.memory_mib) + " MiB and " +
                std::to_string(added.vcpus) + " (its maximum or the host's free memory)");
}

void XenZone::start_container(uint32_t handle) {
  {
    std::lock_guard lock(pod_mutex_);
    if (!pod_containers_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
  }
  session_->start(handle);
}

void XenZone::signal_container(uint32_t handle, int sig, bool all) {
  {
    std::lock_guard lock(pod_mutex_);
    if (!pod_containers_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
  }
  session_->signal(handle, sig, all);
}

zone::ZoneUsage XenZone::change_container(uint32_t handle, const zone::ContainerChange& change) {
  std::string id;
  ZoneSize added{0, 0};
  {
    std::lock_guard lock(pod_mutex_);
    auto it = pod_containers_.find(handle);
    if (it == pod_containers_.end()) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
    id = it->second.id;
    added = it->second.added;
  }
  return with_context("container " + runz::quoted(id) + " in the zone of " + runz::quoted(cfg_.id), [&] {
    std::optional<ZoneSize> share;
    if (change.resources) {
      spec::Config limits;
      limits.linux_ = spec::Linux{};
      limits.linux_->resources = *change.resources;
      share = container_share(limits);
      // What the update leaves as it was keeps its share.
      if (!(change.resources->memory && change.resources->memory->limit)) share->memory_mib = added.memory_mib;
      if (!(change.resources->cpu && change.resources->cpu->quota)) share->vcpus = added.vcpus;
    }
    auto resize = [&] {
      const ZoneSize now_added = reshare(added, *share);
      std::lock_guard lock(pod_mutex_);
      if (auto it = pod_containers_.find(handle); it != pod_containers_.end()) it->second.added = now_added;
    };
    const bool shrinks = share && share->memory_mib < added.memory_mib;
    if (share && !shrinks) resize();
    const ap::CgroupUsage u = session_->update_container(ap::Update{id, change.resources, change.frozen});
    if (share && shrinks) resize();
    return zone::ZoneUsage{u.cpu_ns, u.memory_bytes, u.memory_limit_bytes, u.oom_kills};
  });
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
  session_->kill_and_remove(handle, kPodContainerKillWait);
  const std::optional<zone::HostProcess> helper = pod->exports.helper();
  pod->exports.stop_and_remove(xs_);
  forget_in_record(pod->exports.devices(), helper);
  try {
    reshare(pod->added, ZoneSize{0, 0});
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": shrink after container " + runz::quoted(pod->id) + ": " + e.what());
  }
  try {
    emit_record();
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": record: " + e.what());
  }
}

// --- network -----------------------------------------------------------------------------------------------

void XenZone::sync_network(int host_netns_fd) {
  with_context("zone network of " + runz::quoted(cfg_.id), [&] {
    std::lock_guard network_lock(network_mutex_);
    if (!network_) {
      ZoneNetwork::Recorder r;
      r.add = [this](const zone::ZoneDevice& device) {
        {
          std::lock_guard lock(mutex_);
          record_.devices.push_back(device);
        }
        emit_record();
      };
      r.remove = [this](const zone::ZoneDevice& device) {
        forget_in_record({device}, std::nullopt);
        emit_record();
      };
      network_.emplace(built_->id(), host_netns_fd, std::move(r), kBackendNodesTimeout);
    }
    ap::Network network;
    network.interfaces = network_->sync(xs_);
    if (!network.interfaces.empty()) session_->configure_network(network);
  });
}

// The session's console sink: console text goes to console.log, up to its cap.
void XenZone::on_console_text(std::string_view text) {
  try {
    console_log_.write(text);
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": console.log: " + e.what());
  }
}

// --- teardown ----------------------------------------------------------------------------------------------

void XenZone::teardown() noexcept {
  session_.reset();  // its pump stops; exec'd processes still running die with the zone (on_exit 128+9)
  watcher_.reset();
  // Redirects and vif nodes before the domain: netback then takes the backend interfaces away.
  {
    std::lock_guard network_lock(network_mutex_);
    if (network_) network_->disconnect(xs_);
  }
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
