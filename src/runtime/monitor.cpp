#include "runtime/monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/capped_log.hpp"
#include "common/error.hpp"
#include "runtime/container_load.hpp"
#include "runtime/container_netns.hpp"
#include "runtime/standin_namespaces.hpp"
#include "runtime/crash_report.hpp"
#include "runtime/error_answer.hpp"
#include "runtime/hooks.hpp"
#include "runtime/monitor_client.hpp"
#include "runtime/network_follower.hpp"
#include "runtime/pod_member_zone.hpp"
#include "runtime/process_identity.hpp"
#include "runtime/unix_socket.hpp"
#include "spec/parse.hpp"

namespace runz::runtime {
namespace {

using nlohmann::json;

constexpr auto kRequestReadTimeout = std::chrono::seconds(5);
// monitor.log: a container's life writes a few dozen toolstack lines (~100 bytes each); 256 KiB is room for
// thousands, so only a zone that makes the monitor warn in a loop reaches it.
constexpr size_t kMonitorLogCapBytes = 256 * 1024;

void report(UniqueFd& ready, const json& message) {
  if (!ready) return;
  disarm_crash_report();
  try {
    const std::string line = message.dump() + "\n";
    (void)::write(ready.get(), line.data(), line.size());
  } catch (...) {
  }
  ready.reset();
}

// The connection of one `runz exec` (or of a pod member's monitor): the exit may be reported (from the
// zone's thread) before the "started" answer went out; it is then held back so the client always reads
// started, then exit. A member's connection stays open after the exit: its closing is what removes it.
struct ExecClient {
  std::mutex mutex;
  UniqueFd fd;
  bool keep_open = false;
  bool started_sent = false;
  std::optional<json> exit;

  void send_line(const json& message) {
    try {
      send_all(fd.get(), message.dump() + "\n");
    } catch (const std::exception&) {
      // `runz exec` went away; nobody to tell
    }
  }
  void on_exit(const json& message) {
    std::lock_guard lock(mutex);
    if (!started_sent) {
      exit = message;
      return;
    }
    send_line(message);
    if (!keep_open) fd.reset();
  }
  void on_started(const json& message) {
    std::lock_guard lock(mutex);
    send_line(message);
    started_sent = true;
    if (exit) {
      send_line(*exit);
      if (!keep_open) fd.reset();
    }
  }
};

std::function<void(ZoneExit)> exit_reporter(const std::shared_ptr<ExecClient>& connection) {
  return [connection](ZoneExit exit) { connection->on_exit(exit_answer(exit)); };
}

class Monitor {
 public:
  explicit Monitor(const MonitorContext& context) : ctx_(context), id_(context.config.id) {}

  int run(ZoneStdio stdio, UniqueFd ready);

 private:
  void serve();
  void handle(UniqueFd client);
  json dispatch(const json& request);
  void exec(const json& request, std::vector<UniqueFd> fds, UniqueFd client);
  void add_container(const json& request, std::vector<UniqueFd> fds, UniqueFd client);
  void remove_closed_members(const std::vector<pollfd>& polled);
  uint32_t member_handle(uint32_t handle) const;
  int finish();

  const MonitorContext& ctx_;
  std::string id_;
  std::unique_ptr<Zone> zone_;
  UniqueFd host_netns_;  // dom0's network namespace; the monitor stands in the container's (container_netns.hpp)
  std::unique_ptr<NetworkFollower> network_follower_;  // once the network was connected
  UniqueFd listener_;
  UniqueFd exit_read_;
  std::vector<UniqueFd> waiters_;
  std::string status_ = "created";
  ZoneExit exit_;
  // A pod sandbox's further containers, by their zone handle: the connection of each one's monitor.
  std::map<uint32_t, std::shared_ptr<ExecClient>> members_;
};

int Monitor::run(ZoneStdio stdio, UniqueFd ready) {
  const std::filesystem::path dir = ctx_.store.dir(id_);
  try {
    ctx_.store.save_monitor(id_, identify(::getpid()));
    host_netns_ = enter_container_netns(ctx_.config.config);  // before any thread: they inherit it
    enter_standin_namespaces(ctx_.config.config);
    if (ctx_.config.sandbox) {
      zone_ = std::make_unique<PodMemberZone>(ctx_.config, std::move(stdio));
    } else {
      zone_ = ctx_.factory.create(ctx_.config, std::move(stdio),
                                  [&](const ZoneRecord& record) { ctx_.store.save_zone(id_, record); });
    }
    listener_ = listen_unix(dir / kMonitorSocket);
  } catch (const std::exception& e) {
    report(ready, error_answer(e));
    ctx_.log.error(std::string("monitor of ") + id_ + ": " + e.what());
    zone_.reset();
    return 1;
  }

  auto [exit_read, exit_write] = make_pipe();
  exit_read_ = std::move(exit_read);
  std::thread waiter([this, fd = std::move(exit_write)]() mutable {
    try {
      exit_ = zone_->wait_exit();
    } catch (const std::exception& e) {
      ctx_.log.error(std::string("monitor of ") + id_ + ": wait for exit: " + e.what());
      exit_ = ZoneExit{255, std::nullopt};
    }
    (void)::write(fd.get(), "x", 1);
  });

  const HostProcess self = identify(::getpid());
  report(ready, {{"ok", true}, {"pid", self.pid}, {"startTime", self.start_time}});
  serve();
  waiter.join();
  return finish();
}

void Monitor::serve() {
  std::vector<pollfd> fds;
  for (;;) {
    fds = {{listener_.get(), POLLIN, 0}, {exit_read_.get(), POLLIN, 0}};
    for (const auto& [handle, member] : members_) fds.push_back({member->fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      ctx_.log.error("monitor of " + id_ + ": poll: " + std::to_string(errno));
      return;
    }
    if (fds[1].revents) return;
    remove_closed_members(fds);
    if (fds[0].revents & POLLIN) {
      UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (client) handle(std::move(client));
    }
  }
}

// A member's monitor sends nothing after its request: its connection becoming readable means it closed.
void Monitor::remove_closed_members(const std::vector<pollfd>& polled) {
  for (size_t i = 2; i < polled.size(); ++i) {
    if (polled[i].revents == 0) continue;
    char byte;
    const ssize_t n = ::recv(polled[i].fd, &byte, 1, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR))) continue;
    for (auto it = members_.begin(); it != members_.end(); ++it) {
      if (it->second->fd.get() != polled[i].fd) continue;
      ctx_.log.debug("monitor of " + id_ + ": pod container with handle " + std::to_string(it->first) + " closed");
      zone_->remove_container(it->first);
      members_.erase(it);
      break;
    }
  }
}

// `handle` if it names one of this sandbox's further containers; throws otherwise.
uint32_t Monitor::member_handle(uint32_t handle) const {
  if (!members_.count(handle)) throw Error("no pod container with handle " + std::to_string(handle) + " in this zone");
  return handle;
}

void Monitor::handle(UniqueFd client) {
  json answer;
  try {
    std::vector<UniqueFd> fds;
    const auto line = read_line_with_fds(client.get(), fds, kRequestReadTimeout);
    if (!line) return;
    const json request = json::parse(*line);
    const std::string op = request.value("op", "");
    if (op == "wait") {
      waiters_.push_back(std::move(client));
      return;
    }
    if (op == "exec") {
      exec(request, std::move(fds), std::move(client));
      return;
    }
    if (op == "add-container") {
      add_container(request, std::move(fds), std::move(client));
      return;
    }
    if (!fds.empty()) throw Error("request " + runz::quoted(op) + " takes no file descriptors");
    answer = dispatch(request);
  } catch (const std::exception& e) {
    answer = error_answer(e);
  }
  try {
    send_all(client.get(), answer.dump() + "\n");
  } catch (const std::exception& e) {
    ctx_.log.debug("monitor of " + id_ + ": answer: " + e.what());
  }
}

namespace {

json usage_answer(const ZoneUsage& u) {
  return {{"ok", true},
          {"cpuTimeNs", u.cpu_time_ns},
          {"memoryBytes", u.memory_bytes},
          {"memoryLimitBytes", u.memory_limit_bytes},
          {"oomKills", u.oom_kills}};
}

}  // namespace

json Monitor::dispatch(const json& request) {
  const std::string op = request.value("op", "");
  ctx_.log.debug("monitor of " + id_ + ": request " + request.dump());
  if (op == "start") {
    zone_->start();
    status_ = "running";
  } else if (op == "kill") {
    zone_->signal(request.at("signal").get<int>(), request.value("all", false));
  } else if (op == "pause") {
    zone_->pause();
    status_ = "paused";
  } else if (op == "resume") {
    zone_->resume();
    status_ = "running";
  } else if (op == "state") {
    return {{"ok", true}, {"status", status_}};
  } else if (op == "start-container") {
    zone_->start_container(member_handle(request.at("handle").get<uint32_t>()));
  } else if (op == "signal-container") {
    zone_->signal_container(member_handle(request.at("handle").get<uint32_t>()), request.at("signal").get<int>(), request.value("all", false));
  } else if (op == "change-container") {
    ContainerChange change;
    if (request.contains("resources")) change.resources = spec::parse_resources(request.at("resources"));
    if (request.contains("frozen")) change.frozen = request.at("frozen").get<bool>();
    return usage_answer(zone_->change_container(member_handle(request.at("handle").get<uint32_t>()), change));
  } else if (op == "signal-exec") {
    zone_->signal_exec(request.at("handle").get<uint32_t>(), request.at("signal").get<int>());
  } else if (op == "network") {
    if (host_netns_) {
      zone_->sync_network(host_netns_.get());
      if (!network_follower_) network_follower_ = std::make_unique<NetworkFollower>(*zone_, host_netns_.get(), ctx_.log, id_);
    }
  } else if (op == "stats") {
    return usage_answer(zone_->usage());
  } else if (op == "update") {
    zone_->update(spec::parse_resources(request.at("resources")));
  } else {
    throw Error("unknown monitor request " + runz::quoted(op));
  }
  return {{"ok", true}};
}

// {"op":"exec","process":{...}} with the process's stdin, stdout and stderr attached: answered
// {"ok":true,"pid":..,"handle":..} once it runs, then, on the same connection, {"ok":true,"exitStatus":..}
// when it ended (the connection is then closed).
void Monitor::exec(const json& request, std::vector<UniqueFd> fds, UniqueFd client) {
  auto connection = std::make_shared<ExecClient>();
  connection->fd = std::move(client);
  try {
    if (status_ != "running") throw Error("cannot exec in a " + status_ + " container");
    if (fds.size() != 3) throw Error("exec needs the process's stdin, stdout and stderr (got " +
                                     std::to_string(fds.size()) + " descriptors)");
    const spec::Process process = spec::parse_process(request.at("process"));
    std::optional<uint32_t> container;
    if (request.contains("container")) container = member_handle(request.at("container").get<uint32_t>());
    ZoneStdio stdio{std::move(fds[0]), std::move(fds[1]), std::move(fds[2])};
    const ExecStarted started = zone_->exec(process, std::move(stdio), exit_reporter(connection), container);
    ctx_.log.debug("monitor of " + id_ + ": exec'd pid " + std::to_string(started.pid) + " handle " +
                   std::to_string(started.handle));
    connection->on_started({{"ok", true}, {"pid", started.pid}, {"handle", started.handle}});
  } catch (const std::exception& e) {
    std::lock_guard lock(connection->mutex);
    connection->send_line(error_answer(e));
  }
}

// {"op":"add-container","id":..} from the monitor of a pod's further container (same --root, so its record
// and saved config are read from the store), with its stdio attached.
void Monitor::add_container(const json& request, std::vector<UniqueFd> fds, UniqueFd client) {
  auto connection = std::make_shared<ExecClient>();
  connection->fd = std::move(client);
  connection->keep_open = true;
  try {
    if (status_ != "running") throw Error("pod sandbox " + runz::quoted(id_) + " is " + status_ + ", not running");
    if (fds.size() != 3) throw Error("add-container needs the process's stdin, stdout and stderr");
    const std::string member_id = request.at("id").get<std::string>();
    const ContainerRecord record = ctx_.store.load(member_id);
    ZoneConfig member{member_id, record.bundle, record.rootfs, ctx_.store.dir(member_id), ctx_.config.zone_dir,
                      load_saved_config(ctx_.store, member_id), std::nullopt, {}, {}};  // limits: the sandbox's zone
    ZoneStdio stdio{std::move(fds[0]), std::move(fds[1]), std::move(fds[2])};
    const ExecStarted created = zone_->add_container(member, std::move(stdio), exit_reporter(connection));
    ctx_.log.debug("monitor of " + id_ + ": pod container " + member_id + " created, pid " +
                   std::to_string(created.pid) + " handle " + std::to_string(created.handle));
    members_.emplace(created.handle, connection);
    connection->on_started({{"ok", true}, {"pid", created.pid}, {"handle", created.handle}});
  } catch (const std::exception& e) {
    std::lock_guard lock(connection->mutex);
    connection->send_line(error_answer(e));
  }
}

int Monitor::finish() {
  ExitRecord record{exit_};
  try {
    ctx_.store.save_exit(id_, record);
  } catch (const std::exception& e) {
    ctx_.log.error("monitor of " + id_ + ": record exit: " + e.what());
  }
  listener_.reset();
  ::unlink((ctx_.store.dir(id_) / kMonitorSocket).c_str());
  network_follower_.reset();
  zone_.reset();  // destroys the zone, synchronously (a pod's containers hear they were killed)
  members_.clear();

  const json answer = exit_answer(exit_);
  for (UniqueFd& waiter : waiters_) {
    try {
      send_all(waiter.get(), answer.dump() + "\n");
    } catch (const std::exception&) {
      // a waiter that went away needs no answer
    }
  }
  return exit_.status & 0xff;
}

}  // namespace

void run_monitor(const MonitorContext& context, ZoneStdio stdio, UniqueFd ready) noexcept {
  int code = 1;
  try {
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    stdio_to_dev_null();
    // The toolstack's own lines (each build step with its domid, ring and backend warnings) go to stderr:
    // keep them beside the container's state, so a monitor that failed says why. Some of those lines are
    // the zone's doing (a warning per bad frame, per failed write), so what goes through log_to_stderr()
    // is capped (kMonitorLogCapBytes).
    if (!context.config.state_dir.empty()) {
      const auto log_path = context.config.state_dir / "monitor.log";
      if (UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)); log) {
        ::dup2(log.get(), STDERR_FILENO);
        cap_stderr(kMonitorLogCapBytes, "monitor.log");
      }
    }
    arm_crash_report(ready.get());
    Monitor monitor(context);
    code = monitor.run(std::move(stdio), std::move(ready));
  } catch (const std::exception& e) {
    context.log.error(std::string("monitor: ") + e.what());
  }
  disarm_crash_report();
  ::_exit(code);
}

}  // namespace runz::runtime
