#include "xen/zone_exports.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>
#include <utility>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/in_root.hpp"
#include "xen/devices/p9fs.hpp"
#include "xen/devices/p9fs_layout.hpp"
#include "xen/devices/zone_devices.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

constexpr std::chrono::milliseconds kStatePoll{20};

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

// One export: the device the zone sees and the backend's arguments for it (backend_config.hpp), the host
// path as one argument of its own.
struct Export {
  devices::P9fsDevice device;
  std::vector<std::string> backend_args;  // --export DEVID:TAG --path HOSTPATH [--ro] [--file NAME]
};

// A container's rootfs (tag <prefix>rootfs), then each bind mount's source (<prefix>m0, m1, ...).
std::vector<Export> container_exports(const zone::ZoneConfig& cfg, DomId domid, uint32_t first_devid,
                                      const std::string& prefix) {
  auto make = [&](uint32_t devid, std::string tag, const std::string& path, bool ro, std::optional<std::string> file) {
    std::vector<std::string> args = {"--export", std::to_string(devid) + ":" + tag, "--path", path};
    if (ro) args.push_back("--ro");
    if (file) args.insert(args.end(), {"--file", *file});
    return Export{devices::P9fsDevice{domid, devid, std::move(tag), 0}, std::move(args)};
  };
  std::vector<Export> out;
  out.push_back(make(first_devid, rootfs_tag(prefix), cfg.rootfs.string(), cfg.config.root.readonly, std::nullopt));
  uint32_t index = 0;
  for (const spec::Mount& m : cfg.config.mounts) {
    if (!m.is_bind()) continue;
    out.push_back(make(first_devid + 1 + index, bind_mount_tag(prefix, index), m.source, m.is_readonly(),
                       exported_file_name(m)));
    ++index;
  }
  return out;
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
                 [&] { ensure_in_root(root.get(), m.destination, m.is_bind() && exported_file_name(m).has_value()); });
  }
}

// Waits until the backend state of each device is `want`, while the backend process lives.
void wait_backend_state(XsHandle& xs, const std::vector<Export>& exports, XenbusState want_state, ChildProcess& backend,
                        const std::filesystem::path& log, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string want = devices::xenbus_state_value(want_state);
  for (const Export& e : exports) {
    const std::string state = devices::p9fs_backend_path(e.device.backend_domid, e.device.domid, e.device.devid) + "/state";
    for (;;) {
      const std::string now = xs.read(state).value_or("");
      if (now == want) break;
      if (auto status = backend.poll_exit())
        throw Error("runz-p9-backend exited (status " + std::to_string(*status) + "); see " + runz::quoted(log.string()));
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error("9pfs device " + std::to_string(e.device.devid) + " (" + runz::quoted(e.device.tag) +
                        ") was not served in time (" + runz::quoted(state) + " is " +
                        runz::quoted(now.empty() ? "missing" : now) + ")",
                    ETIMEDOUT);
      std::this_thread::sleep_for(kStatePoll);
    }
  }
}

}  // namespace

std::optional<std::string> exported_file_name(const spec::Mount& m) {
  struct stat st {};
  if (::stat(m.source.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return std::filesystem::path(m.source).filename().string();
  return std::nullopt;
}

std::string rootfs_tag(const std::string& prefix) { return prefix + "rootfs"; }
std::string bind_mount_tag(const std::string& prefix, uint32_t index) { return prefix + "m" + std::to_string(index); }

uint32_t export_count(const zone::ZoneConfig& cfg) {
  uint32_t n = 1;
  for (const spec::Mount& m : cfg.config.mounts) n += m.is_bind() ? 1 : 0;
  return n;
}

ContainerExports ContainerExports::start(XsHandle& xs, DomId domid, const zone::ZoneConfig& cfg,
                                         const zone::HostSettings& host, uint32_t first_devid, const std::string& prefix,
                                         bool hotplug, std::chrono::seconds timeout, const Recorder& record) {
  const std::vector<Export> exports = container_exports(cfg, domid, first_devid, prefix);
  make_mount_points(cfg);
  const std::string user = std::to_string(zone::backend_user(host, domid));
  std::vector<std::string> argv = {find_p9_backend().string(), "--domid", std::to_string(domid), "--user",
                                   user + ":" + user};
  if (host.backend_max_fids) argv.insert(argv.end(), {"--max-fids", std::to_string(*host.backend_max_fids)});
  std::vector<devices::P9fsDevice> devs;
  ContainerExports made;
  made.domid_ = domid;
  made.next_devid_ = first_devid + static_cast<uint32_t>(exports.size());
  for (const Export& e : exports) {
    argv.insert(argv.end(), e.backend_args.begin(), e.backend_args.end());
    devs.push_back(e.device);
    made.devices_.push_back(zone::ZoneDevice{std::string(devices::kP9fsKind), e.device.devid});
  }
  record.devices(made.devices_);
  try {
    devices::add_p9fs_devices(xs, devs);
    const auto log = cfg.state_dir / "p9-backend.log";
    // An empty environment: nothing of runz's own (variables, paths) leaks into the confined backend, and
    // nothing there can steer the Xen libraries it loads.
    made.backend_ = ChildProcess::spawn(argv, log, std::vector<std::string>{});
    record.helper(made.backend_->identity());
    log_info("domain " + std::to_string(domid) + ": 9pfs backend pid " + std::to_string(made.backend_->identity().pid) +
             " (user " + user + ") serves " + std::to_string(exports.size()) + " export(s) of " + runz::quoted(cfg.id));
    wait_backend_state(xs, exports, hotplug ? XenbusStateConnected : XenbusStateInitWait, *made.backend_, log, timeout);
  } catch (...) {
    const std::optional<zone::HostProcess> helper = made.helper();
    made.stop_and_remove(xs);
    record.forget(made.devices_, helper);
    throw;
  }
  return made;
}

std::optional<zone::HostProcess> ContainerExports::helper() const {
  if (!backend_) return std::nullopt;
  return backend_->identity();
}

void ContainerExports::stop_and_remove(XsHandle& xs) noexcept {
  if (backend_) backend_->stop();
  backend_.reset();
  devices::remove_zone_devices(xs, domid_, devices_);
}

}  // namespace runz::xen
