#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "runtime/container_ops.hpp"
#include "runtime/errors.hpp"
#include "runtime/monitor_client.hpp"

namespace runz::runtime {
namespace {

// While `run` waits, the signals a user sends to it go to the container, as with runc.
class SignalForwarder {
 public:
  explicit SignalForwarder(MonitorClient client) : client_(std::move(client)) {
    sigemptyset(&set_);
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&set_, sig);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this] { loop(); });
  }
  ~SignalForwarder() {
    stop_ = true;
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SignalForwarder(const SignalForwarder&) = delete;
  SignalForwarder& operator=(const SignalForwarder&) = delete;

 private:
  void loop() {
    const timespec tick{0, 100'000'000};
    while (!stop_) {
      const int sig = ::sigtimedwait(&set_, nullptr, &tick);
      if (sig <= 0) continue;
      try {
        client_.kill(sig, false);
      } catch (const std::exception&) {
        // the process is exiting; wait() will tell
      }
    }
  }

  MonitorClient client_;
  sigset_t set_{}, old_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int run_container(const Runtime& rt, const RunOptions& options) {
  const std::string& id = options.create.id;
  create_container(rt, options.create);
  try {
    start_container(rt, id);
  } catch (...) {
    if (!options.keep) delete_container(rt, id, true);
    throw;
  }
  if (options.detach) return 0;

  const MonitorClient client(rt.store.dir(id) / kMonitorSocket);
  ZoneExit exit;
  try {
    SignalForwarder forwarder(client);
    exit = client.wait();
  } catch (const ContainerNotRunning&) {
    // Exited before we asked: the monitor recorded it (or died, which reads as 255).
    const ContainerRecord record = rt.store.load(id);
    exit = record.exit ? record.exit->exit : ZoneExit{255, std::nullopt};
  }
  if (!options.keep) delete_container(rt, id, true);
  return exit.status;
}

}  // namespace runz::runtime
