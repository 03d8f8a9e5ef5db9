#include "xen/xen_zone.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/in_root.hpp"
#include "spec/pod.hpp"
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

std::chrono::seconds env_seconds(const char* name, std::chrono::seconds fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n <= 0) return fallback;
  return std::chrono::seconds(n);
}

std::filesystem::path self_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// Where runz-p9-backend lives: $RUNZ_P9_BACKEND, beside this executable, <prefix>/lib/runz, /usr/lib/runz.
std::filesystem::path find_p9_backend() {
  if (const char* env = std::getenv("RUNZ_P9_BACKEND"); env != nullptr && *env != '\0') return env;
  std::vector<std::filesystem::path> candidates;
  if (auto dir = self_dir(); !dir.empty()) {
    candidates.push_back(dir / "runz-p9-backend");
    candidates.push_back(dir / ".." / "lib" / "runz" / "runz-p9-backend");
  }
  candidates.emplace_back("/usr/lib/runz/runz-p9-backend");
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c;
  }
  throw Error("runz-p9-backend not found (looked beside runz, in <prefix>/lib/runz and /usr/lib/runz; "
              "set RUNZ_P9_BACKEND)",
              ENOENT);
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

// A file bind mount is exported as a directory holding only that file, named by its file name.
std::optional<std::string> single_file_name(const spec::Mount& m) {
  struct stat st {};
  if (::stat(m.source.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return std::filesystem::path(m.source).filename().string();
  return std::nullopt;
}

// The 9pfs exports of a container, as runz-p9-backend arguments ("--export", spec per export): its rootfs
// (tag `prefix`rootfs), then each bind mount's source (`prefix`m0, m1, ...), devids from `first_devid`.
std::vector<std::string> export_args(const zone::ZoneConfig& cfg, uint32_t first_devid, const std::string& prefix) {
  std::vector<std::string> args = {"--export", std::to_string(first_devid) + ":" + prefix + "rootfs:" + cfg.rootfs.string() +
                                                   (cfg.config.root.readonly ? ":ro" : "")};
  uint32_t index = 0;
  for (const spec::Mount& m : cfg.config.mounts) {
    if (!m.is_bind()) continue;
    std::string spec = std::to_string(first_devid + 1 + index) + ":" + prefix + "m" + std::to_string(index) + ":" + m.source;
    if (m.is_readonly()) spec += ":ro";
    if (auto file = single_file_name(m)) spec += ":file=" + *file;
    args.push_back("--export");
    args.push_back(std::move(spec));
    ++index;
  }
  return args;
}

// A read-only rootfs is exported read-only (the backend refuses writes, whatever the zone does), so the
// zone cannot make the mount points its mounts need there: they are made here first, inside the rootfs, as
// runc makes them on the host.
void make_mount_points(const zone::ZoneConfig& cfg) {
  if (!cfg.config.root.readonly) return;
  const UniqueFd root(::open(cfg.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw_errno("open rootfs " + runz::quoted(cfg.rootfs.string()));
  for (const spec::Mount& m : cfg.config.mounts) {
    with_context("read-only rootfs: mount point " + runz::quoted(m.destination),
                 [&] { ensure_in_root(root.get(), m.destination, m.is_bind() && single_file_name(m).has_value()); });
  }
}

// CREATE for a container whose exports export_args made with the same `prefix`.
ap::Create create_message(const zone::ZoneConfig& cfg, const std::string& prefix) {
  ap::Create c;
  c.container = cfg.id;
  c.rootfs.tag = prefix + "rootfs";
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
      zm.tag = prefix + "m" + std::to_string(index++);
      zm.file = single_file_name(m).value_or("");
    } else {
      zm.type = m.type;
    }
    c.mounts.push_back(std::move(zm));
  }
  if (cfg.config.linux_) c.linux_ = *cfg.config.linux_;
  return c;
}

}  // namespace

std::string p9_backend_path(DomId domid) { return "/local/domain/0/backend/9pfs/" + std::to_string(domid); }

XenZone::XenZone(const zone::ZoneConfig& cfg, zone::ZoneStdio stdio,
                 const std::function<void(const zone::ZoneRecord&)>& on_record)
    : cfg_(cfg),
      stdio_(std::move(stdio)),
      on_record_(on_record),
      xc_(XcHandle::open()),
      xs_(XsHandle::open()),
      xs_watch_(XsHandle::open()) {
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
    }
    emit_record();
  });
}

void XenZone::start_backend_step() {
  const DomId domid = built_->id();
  std::vector<std::string> argv = {find_p9_backend().string(), "--domid", std::to_string(domid), "--write-nodes"};
  const std::vector<std::string> exports = export_args(cfg_, 0, "");
  argv.insert(argv.end(), exports.begin(), exports.end());
  make_mount_points(cfg_);
  next_devid_ = static_cast<uint32_t>(exports.size() / 2);
  backend_ = ChildProcess::spawn(argv, cfg_.state_dir / "p9-backend.log");
  {
    std::lock_guard lock(mutex_);
    record_.helpers.push_back(backend_->identity());
  }
  emit_record();
  log_info("domain " + std::to_string(domid) + ": 9pfs backend pid " + std::to_string(backend_->identity().pid));

  // The guest's 9p frontend must find its devices when it probes; wait for the backend to write them.
  const std::string frontend = built_->dom_path + "/device/9pfs/0/backend";
  auto deadline = std::chrono::steady_clock::now() + kBackendNodesTimeout;
  while (!xs_.read(frontend)) {
    if (auto status = backend_->poll_exit())
      throw Error("runz-p9-backend exited (status " + std::to_string(*status) + ") before writing its devices; see " +
                  runz::quoted((cfg_.state_dir / "p9-backend.log").string()));
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error("runz-p9-backend did not write " + runz::quoted(frontend) + " in time", ETIMEDOUT);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
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

void XenZone::start() { session_->start(kMainHandle); }

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

// The backend writes each device's nodes, the zone's xenbus probes the frontend, and the two connect
// (backend state 4); a mount of the tag before that fails in the zone.
void XenZone::wait_devices_connected(const std::vector<uint32_t>& devids, ChildProcess& backend, const std::string& log) {
  const auto deadline = std::chrono::steady_clock::now() + env_seconds("RUNZ_ZONE_REQUEST_TIMEOUT_S", kDefaultRequestTimeout);
  for (uint32_t devid : devids) {
    const std::string state = p9_backend_path(built_->id()) + "/" + std::to_string(devid) + "/state";
    while (xs_.read(state).value_or("") != "4") {
      if (auto status = backend.poll_exit())
        throw Error("runz-p9-backend exited (status " + std::to_string(*status) + "); see " + runz::quoted(log));
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error("9pfs device " + std::to_string(devid) + " did not connect in time (" + runz::quoted(state) + " is " +
                        runz::quoted(xs_.read(state).value_or("missing")) + ")",
                    ETIMEDOUT);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

zone::ExecStarted XenZone::add_container(const zone::ZoneConfig& member, zone::ZoneStdio stdio,
                                            std::function<void(zone::ZoneExit)> on_exit) {
  return with_context("add container " + runz::quoted(member.id) + " to the zone of " + runz::quoted(cfg_.id), [&] {
    if (session_->main_state() != AgentSession::MainState::kRunning)
      throw Error("the sandbox's process is not running", ESRCH);
    const uint32_t handle = session_->reserve_handle();
    const std::string prefix = "p" + std::to_string(handle) + "-";
    const DomId domid = built_->id();
    std::vector<std::string> argv = {find_p9_backend().string(), "--domid", std::to_string(domid), "--write-nodes"};
    PodContainer pod;
    pod.id = member.id;
    {
      std::lock_guard lock(pod_mutex_);
      const std::vector<std::string> exports = export_args(member, next_devid_, prefix);
      argv.insert(argv.end(), exports.begin(), exports.end());
      for (size_t i = 0; i < exports.size() / 2; ++i) pod.devids.push_back(next_devid_++);
    }
    const auto log = member.state_dir / "p9-backend.log";
    make_mount_points(member);
    pod.backend = ChildProcess::spawn(argv, log);
    const zone::HostProcess helper = pod.backend->identity();
    {
      std::lock_guard lock(mutex_);
      record_.helpers.push_back(helper);
    }
    emit_record();
    ChildProcess* backend = &*pod.backend;
    const std::vector<uint32_t> devids = pod.devids;
    {
      std::lock_guard lock(pod_mutex_);
      pod_containers_.emplace(handle, std::move(pod));
    }
    try {
      wait_devices_connected(devids, *backend, log.string());
      ap::Create create = create_message(member, prefix);
      create.pid_namespace = spec::wants_own_pid_namespace(member.config);
      session_->add_process(handle, std::move(stdio), std::move(on_exit), create.process.terminal);
      return zone::ExecStarted{handle, session_->create(handle, create)};
    } catch (...) {
      session_->drop_process(handle);  // on_exit is not called when add_container throws
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
  session_->start(handle);
}

void XenZone::signal_container(uint32_t handle, int sig, bool all) {
  {
    std::lock_guard lock(pod_mutex_);
    if (!pod_containers_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle), ESRCH);
  }
  session_->signal(handle, sig, all);
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
  const zone::HostProcess helper = pod->backend ? pod->backend->identity() : zone::HostProcess{};
  if (pod->backend) pod->backend->stop();
  for (uint32_t devid : pod->devids) {
    try {
      xs_.rm("/local/domain/" + std::to_string(built_->id()) + "/device/9pfs/" + std::to_string(devid));
      xs_.rm(p9_backend_path(built_->id()) + "/" + std::to_string(devid));
    } catch (const std::exception& e) {
      log_warning("zone " + runz::quoted(cfg_.id) + ": removing 9pfs device " + std::to_string(devid) + ": " + e.what());
    }
  }
  {
    std::lock_guard lock(mutex_);
    std::erase_if(record_.helpers, [&](const zone::HostProcess& h) { return h.pid == helper.pid; });
  }
  try {
    emit_record();
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": record: " + e.what());
  }
}

// The session's console sink: all console text goes to console.log.
void XenZone::on_console_text(std::string_view text) {
  try {
    write_all(console_log_.get(), text, "write console.log");
  } catch (const std::exception& e) {
    log_warning("zone " + runz::quoted(cfg_.id) + ": console.log: " + e.what());
  }
}

// --- teardown ----------------------------------------------------------------------------------------------

void XenZone::teardown() noexcept {
  session_.reset();  // its pump stops; exec'd processes still running die with the zone (on_exit 128+9)
  watcher_.reset();
  std::optional<DomId> domid;
  if (built_) {
    domid = built_->id();
    try {
      std::lock_guard lock(xc_mutex_);
      built_->domain.destroy();
    } catch (const std::exception& e) {
      log_error("zone " + runz::quoted(cfg_.id) + ": destroying domain: " + e.what());
    }
  }
  if (backend_) backend_->stop();
  {
    std::lock_guard lock(pod_mutex_);
    for (auto& [handle, pod] : pod_containers_)
      if (pod.backend) pod.backend->stop();
    pod_containers_.clear();
  }
  if (domid) {
    try {
      xs_.rm(p9_backend_path(*domid));
    } catch (const std::exception& e) {
      log_warning("zone " + runz::quoted(cfg_.id) + ": removing 9pfs backend nodes: " + e.what());
    }
  }
}

}  // namespace runz::xen
