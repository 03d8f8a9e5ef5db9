#include <unistd.h>

#include <chrono>

#include "runtime/atomic_file.hpp"
#include "runtime/console_socket.hpp"
#include "runtime/container_id.hpp"
#include "runtime/container_netns.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/hooks.hpp"
#include "runtime/host_config.hpp"
#include "runtime/monitor_client.hpp"
#include "runtime/monitor_launch.hpp"
#include "runtime/namespace_checks.hpp"
#include "spec/features.hpp"
#include "spec/parse.hpp"
#include "spec/pod.hpp"

namespace runz::runtime {
namespace {

void check_terminal(const spec::Process& process, const CreateOptions& options) {
  if (process.terminal && !options.console_socket) {
    throw Error("cannot allocate tty if runz will detach without setting console socket");
  }
  if (!process.terminal && options.console_socket) {
    throw Error("cannot use console socket if runz will not detach or allocate tty");
  }
  if (options.preserve_fds > 0) {
    throw Error("--preserve-fds is not supported: the container's process runs in its own zone");
  }
}

std::filesystem::path zone_dir_for(const Runtime& rt, const spec::Config& config) {
  const auto it = config.annotations.find(spec::kZoneDirAnnotation);
  if (it != config.annotations.end() && !it->second.empty()) return it->second;
  return rt.zone_dir;
}

// A pod's further container joins its sandbox's zone: the sandbox must be a running container here, and
// this pod's sandbox by its own saved annotations (not any container the config names).
void check_sandbox_running(const Runtime& rt, const spec::Config& config, const std::string& sandbox) {
  with_context("pod sandbox " + runz::quoted(sandbox) + " (annotation " + spec::kSandboxIdAnnotation + ")", [&] {
    validate_container_id(sandbox);
    if (!rt.store.exists(sandbox)) throw Error("no such container", ENOENT);
    const Container c = load_container(rt.store, sandbox);
    spec::check_joins_sandbox(config.annotations, sandbox, c.record.annotations);
    if (c.status != Status::Running) throw Error("is " + std::string(to_string(c.status)) + ", not running");
  });
}

// Builds the zone and makes the container `created`; the caller removes everything if this throws.
HostProcess build(const Runtime& rt, const CreateOptions& options, const spec::Config& config,
                  const std::filesystem::path& bundle, ContainerLock& lock) {
  ContainerRecord record;
  record.id = options.id;
  record.bundle = bundle.string();
  record.rootfs = spec::rootfs_path(config, bundle).string();
  record.created = spec::format_rfc3339_nano(std::chrono::system_clock::now());
  record.annotations = config.annotations;
  record.status = Status::Creating;
  rt.store.save(record);
  save_config(rt.store, options.id, config);

  ZoneConfig zone_config{options.id, bundle, record.rootfs, rt.store.dir(options.id), zone_dir_for(rt, config),
                         config, std::nullopt, {}, load_host_config(host_config_path())};
  if (auto sandbox = spec::pod_sandbox_of(config)) {
    check_sandbox_running(rt, config, *sandbox);
    zone_config.sandbox = *sandbox;
    zone_config.sandbox_socket = rt.store.dir(*sandbox) / kMonitorSocket;
  }
  const bool pod_member = zone_config.sandbox.has_value();
  ZoneStdio stdio = options.console_socket ? console_stdio(*options.console_socket) : inherited_stdio();
  const HostProcess monitor = launch_monitor(MonitorContext{rt.factory, rt.store, rt.log, std::move(zone_config)},
                                             std::move(stdio), lock);
  rt.log.debug("container " + options.id + ": monitor " + std::to_string(monitor.pid) + " ready");
  record = rt.store.load(options.id);
  record.monitor = monitor;

  const std::string state = state_json(record, Status::Creating);
  // The hooks that set up the network namespace (libnetwork's prestart, CNI in createRuntime) run before
  // its interfaces are given to the zone; createContainer hooks see the zone's network done.
  run_hooks(config.hooks, HookPoint::Prestart, state);
  run_hooks(config.hooks, HookPoint::CreateRuntime, state);
  if (!pod_member) {
    if (network_namespace(config) != nullptr) {
      MonitorClient(rt.store.dir(options.id) / kMonitorSocket).connect_network();
    } else {
      rt.log.warn("container " + options.id + ": config.json has no network namespace (host network): a zone "
                  "cannot share dom0's network stack, so it gets only lo");
    }
  }
  run_hooks(config.hooks, HookPoint::CreateContainer, state);
  record.status = Status::Created;
  rt.store.save(record);
  if (options.pid_file) {
    write_pid_file(*options.pid_file, monitor.pid);
  }
  return monitor;
}

}  // namespace

HostProcess create_container(const Runtime& rt, const CreateOptions& options) {
  validate_container_id(options.id);
  const std::filesystem::path bundle = std::filesystem::absolute(options.bundle).lexically_normal();
  const spec::Config config = spec::load_config(bundle);
  const spec::Process& process = spec::require_process(config);
  check_namespaces(config);
  // Before anything is written under --root. Whatever the errno, a host that cannot run zones is a
  // precondition the caller cannot fix by retrying.
  try {
    rt.factory.check_host();
  } catch (const Error& e) {
    throw e.with_kind(ErrorKind::FailedPrecondition);
  }
  check_terminal(process, options);

  rt.store.ensure_root();
  ContainerLock lock = rt.store.claim(options.id);
  try {
    return build(rt, options, config, bundle, lock);
  } catch (const std::exception& e) {
    try {
      if (rt.store.exists(options.id)) {
        destroy_container(rt, options.id, lock);
      } else {
        rt.store.remove(options.id, lock);
      }
    } catch (const std::exception& cleanup) {
      rt.log.error("container " + options.id + ": clean up after failed create: " + cleanup.what());
    }
    throw;
  }
}

}  // namespace runz::runtime
