#include "xen/p9/backend.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/capped_log.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "xen/p9/confine.hpp"
#include "xen/p9/confine_probe.hpp"
#include "xen/p9/node_ops.hpp"
#include "xen/p9/seccomp_filter.hpp"
#include "xen/p9/xen_ports_impl.hpp"
#include "xen/p9/xenbus_backend.hpp"

namespace runz::p9 {

namespace {

// Confined, an export is a detached clone of the host tree at its path (confine.hpp); else its O_PATH root.
Export open_export(const ExportSpec& e, bool confine) {
  if (!confine) {
    if (e.file_name) return Export::open_single_file(e.host_path, *e.file_name, e.read_only);
    return Export::open_directory(e.host_path, e.read_only);
  }
  UniqueFd tree = clone_export_tree(e.host_path, !e.file_name, e.read_only);
  if (e.file_name) return Export::adopt_single_file(std::move(tree), e.host_path, *e.file_name, e.read_only);
  return Export::adopt_directory(std::move(tree), e.host_path, e.read_only);
}

// Each fid may hold two descriptors: use all the descriptors we are allowed.
void raise_fd_limit() {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);  // best effort: the fid limit still bounds us
  }
}

UniqueFd block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw_errno("sigprocmask");
  UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd) throw_errno("signalfd");
  return fd;
}

class Backend {
 public:
  explicit Backend(const BackendConfig& cfg) : cfg_(cfg) {}

  // Everything the backend serves with is opened first (exports, xenstore, gntdev, evtchn, the stop
  // signals); then it confines itself, still single-threaded; then the devices start (libxenstore's watch
  // starts its reader thread); the seccomp filter comes last.
  void setup() {
    raise_fd_limit();
    std::vector<Export> exports;
    for (const auto& e : cfg_.exports) {
      exports.push_back(with_context("export " + quoted(e.tag), [&] { return open_export(e, cfg_.confine); }));
    }
    if (cfg_.probe_confinement) {
      exports_ = std::move(exports);
    } else {
      xs_ = std::make_unique<SharedXenstore>();
      gnt_ = std::make_unique<SharedGrantMapper>();
      evtchn_ = std::make_unique<SharedEventChannels>();
      // The zone's ports only. Best effort: a kernel without the restriction still serves.
      try {
        evtchn_->restrict_to(cfg_.domid);
      } catch (const std::exception& e) {
        log_to_stderr(prefix() + "warning: " + e.what() + "\n");
      }
    }
    stop_ = block_stop_signals();
    if (cfg_.confine) {
      const RootSwitch how = confine_process(BackendUser{cfg_.uid, cfg_.gid});
      log_to_stderr(prefix() + "confined (" + (how == RootSwitch::kPivot ? "pivot_root" : "chroot") +
                    " into an empty root, user " + std::to_string(cfg_.uid) + ":" + std::to_string(cfg_.gid) + ", " +
                    std::to_string(std::size(kBackendCapabilities)) + " capabilities)\n");
    } else {
      prime_proc_fd_dir();
    }
    for (size_t i = 0; i < exports.size() && !cfg_.probe_confinement; ++i) {
      DeviceConfig dc{cfg_.domid, cfg_.exports[i].devid, cfg_.exports[i].tag, cfg_.backend_domid, cfg_.max_fids};
      devices_.push_back(std::make_unique<Device>(dc, std::move(exports[i]), *xs_, *gnt_, *evtchn_));
      devices_.back()->start();
    }
    if (cfg_.seccomp) {
      load_backend_seccomp();
      log_to_stderr(prefix() + "seccomp filter loaded\n");
    }
  }

  // --probe-confinement: what set-up left this process able to do (confine_probe.hpp).
  int probe() const { return probe_confinement(exports_, BackendUser{cfg_.uid, cfg_.gid}); }

  void serve() {
    bool more = false;
    while (!all_closed()) {
      pollfd fds[3] = {{xs_->fd(), POLLIN, 0}, {evtchn_->fd(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
      const int n = ::poll(fds, 3, more ? 0 : -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("poll");
      }
      if ((fds[2].revents & POLLIN) != 0) {
        log_to_stderr("runz-p9-backend: domain " + std::to_string(cfg_.domid) + ": stop signal, closing devices\n");
        for (auto& d : devices_) d->shutdown();
        return;
      }
      if ((fds[0].revents & POLLIN) != 0) {
        while (auto ev = xs_->next_watch_event()) {
          for (auto& d : devices_) {
            if (ev->token != d->watch_token()) continue;
            for (uint32_t port : d->on_frontend_changed()) busy_.push_back(port);  // fresh rings: look once
          }
        }
      }
      more = false;
      if ((fds[1].revents & POLLIN) != 0) {
        if (auto port = evtchn_->pending()) {
          evtchn_->unmask(*port);
          busy_.push_back(*port);
        }
      }
      // Serve each ring that fired (and those left with work), round-robin, a bounded batch each.
      std::vector<uint32_t> again;
      for (uint32_t port : busy_) {
        for (auto& d : devices_) {
          bool ring_more = false;
          if (d->on_port(port, &ring_more)) {
            if (ring_more) again.push_back(port);
            break;
          }
        }
      }
      busy_ = std::move(again);
      more = !busy_.empty();
    }
  }

 private:
  bool all_closed() const {
    for (const auto& d : devices_) {
      if (!d->closed()) return false;
    }
    return true;
  }

  std::string prefix() const { return "runz-p9-backend: domain " + std::to_string(cfg_.domid) + ": "; }

  const BackendConfig& cfg_;
  std::vector<Export> exports_;  // --probe-confinement only: the devices own them otherwise
  std::unique_ptr<SharedXenstore> xs_;
  std::unique_ptr<SharedGrantMapper> gnt_;
  std::unique_ptr<SharedEventChannels> evtchn_;
  UniqueFd stop_;
  std::vector<std::unique_ptr<Device>> devices_;  // destroyed before the handles above
  std::vector<uint32_t> busy_;
};

}  // namespace

int run_backend(const BackendConfig& config) noexcept {
  try {
    Backend b(config);
    try {
      b.setup();
    } catch (const std::exception& e) {
      log_to_stderr("runz-p9-backend: domain " + std::to_string(config.domid) + ": set-up: " + e.what() + "\n");
      return 1;
    }
    if (config.probe_confinement) return b.probe();
    b.serve();
    log_to_stderr("runz-p9-backend: domain " + std::to_string(config.domid) + ": all devices closed\n");
    return 0;
  } catch (const std::exception& e) {
    log_to_stderr("runz-p9-backend: domain " + std::to_string(config.domid) + ": " + e.what() + "\n");
    return 1;
  }
}

}  // namespace runz::p9
