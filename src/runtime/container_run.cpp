#include "runtime/container_ops.hpp"
#include "runtime/errors.hpp"
#include "runtime/monitor_client.hpp"
#include "runtime/signal_forwarder.hpp"

namespace runz::runtime {

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
    SignalForwarder forwarder([&client](int sig) { client.kill(sig, false); });
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
