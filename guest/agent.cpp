#include "guest/agent.hpp"

#include "agent-proto/dns_message.hpp"
#include "common/error.hpp"
#include "guest/cpu_hotplug.hpp"
#include "guest/dns_forwarder.hpp"
#include "guest/network.hpp"
#include "guest/signals.hpp"
#include "guest/stall_report.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runz::guest {

namespace ap = agent_proto;
using Clock = std::chrono::steady_clock;

Agent::Agent(ConsoleChannel& console, AgentOptions options) : console_(console), options_(std::move(options)) {
  if (options_.online_added_cpus) cpu_hotplug_ = std::make_unique<CpuHotplug>();
}

Agent::~Agent() = default;  // here, where CpuHotplug, NetworkSetup and DnsForwarder are complete

ManagedProcess* Agent::find(uint32_t handle) {
  auto it = processes_.find(handle);
  return it == processes_.end() ? nullptr : &it->second;
}

void Agent::send_error(uint32_t stream, std::string_view step, const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  console_.send_error(stream, step, error ? error->code() : 0, e.what());
}

AgentStop Agent::run() {
  enum class Kind { kConsole, kReaper, kReport, kOutput, kStdin, kDns, kCpuHotplug };
  struct Source {
    Kind kind;
    uint32_t handle;
  };
  std::vector<pollfd> fds;
  std::vector<Source> sources;
  std::vector<ap::Event> events;
  for (;;) {
    fds.clear();
    sources.clear();
    fds.push_back({console_.read_fd(), POLLIN, 0});
    sources.push_back({Kind::kConsole, 0});
    fds.push_back({reaper_.fd(), POLLIN, 0});
    sources.push_back({Kind::kReaper, 0});
    if (cpu_hotplug_) {
      fds.push_back({cpu_hotplug_->fd(), POLLIN, 0});
      sources.push_back({Kind::kCpuHotplug, 0});
    }
    std::optional<Clock::time_point> deadline;
    for (auto& [handle, p] : processes_) {
      if (p.report) {
        fds.push_back({p.report.get(), POLLIN, 0});
        sources.push_back({Kind::kReport, handle});
      }
      for (int fd : {p.stdio.stdout_fd(), p.stdio.stderr_fd()}) {
        if (fd < 0) continue;
        fds.push_back({fd, POLLIN, 0});
        sources.push_back({Kind::kOutput, handle});
      }
      if (const int fd = p.stdio.stdin_poll_fd(); fd >= 0) {
        fds.push_back({fd, POLLOUT, 0});
        sources.push_back({Kind::kStdin, handle});
      }
      if (p.drain_deadline && (!deadline || *p.drain_deadline < *deadline)) deadline = p.drain_deadline;
      if (p.stall_report_at && (!deadline || *p.stall_report_at < *deadline)) deadline = p.stall_report_at;
    }
    for (const auto& [handle, setup] : networks_)
      if (!deadline || setup->next_try() < *deadline) deadline = setup->next_try();
    if (dns_) {
      fds.push_back({dns_->fd(), POLLIN, 0});
      sources.push_back({Kind::kDns, 0});
      if (const auto expiry = dns_->next_expiry(); expiry && (!deadline || *expiry < *deadline)) deadline = expiry;
    }
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left + 1, 0, 60'000));
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) throw_errno("poll");

    for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const Source source = sources[i];
      if (source.kind == Kind::kConsole) {
        events.clear();
        const bool open = console_.read_events(events);
        for (const auto& event : events) {
          if (const auto* frame = std::get_if<ap::Frame>(&event)) {
            if (frame->type == ap::MessageType::kShutdown) return AgentStop::kShutdown;
            on_frame(*frame);
          }
          // Console text from the host side is not expected; it is ignored.
        }
        if (!open) return AgentStop::kConsoleClosed;
        continue;
      }
      if (source.kind == Kind::kReaper) {
        for (const auto& [pid, status] : reaper_.reap()) on_reaped(pid, status);
        continue;
      }
      if (source.kind == Kind::kDns) {
        on_dns_readable();
        continue;
      }
      if (source.kind == Kind::kCpuHotplug) {
        for (const std::string& line : cpu_hotplug_->on_readable()) console_.log(line);
        continue;
      }
      ManagedProcess* p = find(source.handle);
      if (p == nullptr) continue;
      if (source.kind == Kind::kReport) on_report_readable(*p);
      if (source.kind == Kind::kOutput) p->stdio.on_readable(fds[i].fd, console_, p->handle);
      if (source.kind == Kind::kStdin) p->stdio.on_stdin_writable(console_);
      finish_if_done(*p, false);
    }
    // Deadlines: output held open after the exit (e.g. by a daemonized child) is given up on.
    const auto now = Clock::now();
    advance_networks(now);
    if (dns_) dns_->expire(now);
    std::vector<uint32_t> expired;
    for (auto& [handle, p] : processes_)
      if (p.drain_deadline && *p.drain_deadline <= now) expired.push_back(handle);
    for (uint32_t handle : expired)
      if (ManagedProcess* p = find(handle)) finish_if_done(*p, true);
    const std::string after_seconds = " " + std::to_string(kExecStallReportAfter.count()) + " s after ";
    for (auto& [handle, p] : processes_) {
      if (!p.stall_report_at || *p.stall_report_at > now) continue;
      p.stall_report_at.reset();
      const std::string after = p.state == ProcessState::kStarting ? "reached exec" + after_seconds + "START"
                                : p.is_main                            ? "finished its setup" + after_seconds + "CREATE"
                                                                       : "reached exec" + after_seconds + "EXEC";
      console_.log("process " + std::to_string(handle) + " (pid " + std::to_string(p.pid) + ") has not " + after +
                   ": " + describe_stalled_process(p.pid));
    }
  }
}

void Agent::on_frame(const ap::Frame& frame) {
  try {
    switch (frame.type) {
      case ap::MessageType::kCreate: on_create(frame); break;
      case ap::MessageType::kStart: on_start(frame.stream); break;
      case ap::MessageType::kExec: on_exec(frame); break;
      case ap::MessageType::kSignal: on_signal(frame); break;
      case ap::MessageType::kNetwork: on_network(frame); break;
      case ap::MessageType::kUpdate: on_update(frame); break;
      case ap::MessageType::kDnsAnswer: on_dns_answer(frame); break;
      case ap::MessageType::kStdin: {
        ManagedProcess* p = find(frame.stream);
        if (p == nullptr) throw Error("no process with handle " + std::to_string(frame.stream), ESRCH);
        p->stdio.queue_stdin(frame.payload, console_);
        p->stdio.on_stdin_writable(console_);
        break;
      }
      case ap::MessageType::kResize: {
        ManagedProcess* p = find(frame.stream);
        if (p == nullptr) throw Error("no process with handle " + std::to_string(frame.stream), ESRCH);
        const auto resize = ap::parse_resize(frame.payload);
        p->stdio.resize(resize.height, resize.width);
        break;
      }
      default:
        throw Error("unexpected " + std::string(ap::type_name(frame.type)) + " frame from the host", EPROTO);
    }
  } catch (const std::exception& e) {
    send_error(frame.stream, ap::type_name(frame.type), e);
  }
}

void Agent::on_create(const ap::Frame& frame) {
  if (frame.stream == ap::kZoneStream || processes_.count(frame.stream))
    throw Error("handle " + std::to_string(frame.stream) + " is 0 or in use", EEXIST);
  auto create = std::make_unique<ap::Create>(ap::parse_create(frame.payload));
  if (containers_.count(create->container)) throw Error("container " + runz::quoted(create->container) + " exists", EEXIST);
  if (create->container.find('/') != std::string::npos || create->container == "." || create->container == "..")
    throw Error("container id " + runz::quoted(create->container) + " is not a plain name", EINVAL);

  const auto staging = options_.state_dir / create->container;
  std::filesystem::create_directories(staging / "rootfs");

  ChildPlan plan;
  plan.process = &create->process;
  plan.linux_ = &create->linux_;
  plan.create = create.get();
  plan.staging = staging;
  plan.cgroup = container_cgroup(*create);
  plan.tags = &options_.tags;
  const auto size = create->process.console_size.value_or(spec::ConsoleSize{});
  ManagedProcess p = spawn_process(frame.stream, create->container, plan, create->process.terminal, size.height, size.width);
  p.stall_report_at = Clock::now() + kExecStallReportAfter;

  Container c;
  c.main_handle = frame.stream;
  c.main_pid = p.pid;
  c.cgroup = plan.cgroup;
  c.create = std::move(create);
  containers_.emplace(p.container, std::move(c));
  processes_.emplace(frame.stream, std::move(p));
}

void Agent::on_exec(const ap::Frame& frame) {
  if (frame.stream == ap::kZoneStream || processes_.count(frame.stream))
    throw Error("handle " + std::to_string(frame.stream) + " is 0 or in use", EEXIST);
  const ap::Exec exec = ap::parse_exec(frame.payload);
  auto it = containers_.find(exec.container);
  if (it == containers_.end() || it->second.main_exited)
    throw Error("container " + runz::quoted(exec.container) + " is not running", ESRCH);
  const ManagedProcess* main = find(it->second.main_handle);
  if (main == nullptr || main->state != ProcessState::kRunning)
    throw Error("container " + runz::quoted(exec.container) + " is not started", ESRCH);

  ChildPlan plan;
  plan.process = &exec.process;
  plan.linux_ = &it->second.create->linux_;
  plan.join_pid = it->second.main_pid;
  plan.join_pid_namespace = it->second.create->pid_namespace;
  plan.cgroup = it->second.cgroup;
  const auto size = exec.process.console_size.value_or(spec::ConsoleSize{});
  ManagedProcess p = spawn_process(frame.stream, exec.container, plan, exec.process.terminal, size.height, size.width);
  p.stall_report_at = Clock::now() + kExecStallReportAfter;
  processes_.emplace(frame.stream, std::move(p));
}

void Agent::on_start(uint32_t handle) {
  ManagedProcess* p = find(handle);
  if (p == nullptr || !p->is_main) throw Error("no container process with handle " + std::to_string(handle), ESRCH);
  if (p->state != ProcessState::kHeld)
    throw Error("process " + std::to_string(handle) + " is not waiting for START", EINVAL);
  // Not at CREATED: the runtime runs the prestart/createRuntime hooks after that, and Docker's libnetwork
  // rewrites resolv.conf to name its embedded DNS (127.0.0.11) from its prestart hook. Before the release:
  // a resolver's first query to a port nobody listens on yet is refused, and busybox's nslookup gives up.
  start_dns_if_named(p->pid);
  const char byte = 'S';
  if (::write(p->start.get(), &byte, 1) != 1) throw_errno("release the held process");
  p->start.reset();
  p->state = ProcessState::kStarting;
  p->stall_report_at = Clock::now() + kExecStallReportAfter;
}

void Agent::on_signal(const ap::Frame& frame) {
  const ap::Signal request = ap::parse_signal(frame.payload);
  ManagedProcess* p = find(frame.stream);
  if (p == nullptr) throw Error("no process with handle " + std::to_string(frame.stream), ESRCH);
  if (request.all) {
    auto it = containers_.find(p->container);
    if (it != containers_.end() && it->second.mount_ns) {
      signal_namespace(*it->second.mount_ns, request.signal);
      return;
    }
  }
  if (p->wait_status) return;  // already exited; EXIT is on its way
  signal_process(p->pid, request.signal);
}

void Agent::on_network(const ap::Frame& frame) {
  if (frame.stream == ap::kZoneStream || processes_.count(frame.stream) || networks_.count(frame.stream))
    throw Error("handle " + std::to_string(frame.stream) + " is 0 or in use", EEXIST);
  auto setup = std::make_unique<NetworkSetup>(ap::parse_network(frame.payload), Clock::now());
  networks_.emplace(frame.stream, std::move(setup));
  advance_networks(Clock::now());  // links that exist already are configured at once
}

void Agent::advance_networks(Clock::time_point now) {
  for (auto it = networks_.begin(); it != networks_.end();) {
    try {
      if (it->second->next_try() > now || !it->second->advance(now)) {
        ++it;
        continue;
      }
      console_.send_encoded(ap::encode_network_ready(it->first));
    } catch (const std::exception& e) {
      send_error(it->first, "network", e);
    }
    it = networks_.erase(it);
  }
}

void Agent::start_dns_if_named(pid_t pid) {
  if (dns_) return;
  const auto resolv_conf = read_resolv_conf("/proc/" + std::to_string(pid) + "/root");
  if (!resolv_conf || !names_embedded_dns(*resolv_conf)) return;
  try {
    dns_ = std::make_unique<DnsForwarder>(kEmbeddedDnsAddress, kEmbeddedDnsPort,
                                          [this](std::string_view line) { console_.log(line); });
    console_.log(std::string("dns: forwarding ") + kEmbeddedDnsAddress + ":" + std::to_string(kEmbeddedDnsPort) +
                 " (udp) to the host: a container's resolv.conf names it");
  } catch (const std::exception& e) {
    console_.log(std::string("dns: ") + e.what());
  }
}

void Agent::on_dns_readable() {
  std::vector<ap::DnsMessage> queries;
  dns_->on_readable(Clock::now(), queries);
  for (const auto& query : queries) console_.send_encoded(ap::encode_dns(ap::MessageType::kDnsQuery, query));
}

// Not ERROR on stream 0 for a bad DNS_ANSWER (rule 2's exception): the host would read that as the zone's
// failure; a lost answer is only a resolver's retry. It is counted and logged.
void Agent::on_dns_answer(const ap::Frame& frame) {
  if (!dns_) return;  // never asked
  try {
    dns_->on_answer(ap::parse_dns_message(frame.type, frame.payload));
  } catch (const ap::ProtocolError& e) {
    dns_->on_bad_answer(e.what());
  }
}

void Agent::on_report_readable(ManagedProcess& p) {
  std::vector<ap::Event> events;
  char buffer[4096];
  bool eof = false;
  for (;;) {
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(p.report.get(), &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); n >= 0 && c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) continue;
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      UniqueFd master(fd);
      if (p.terminal && p.stdio.output_closed() && !p.stdio.terminal()) p.stdio = StdioRelay(std::move(master));
    }
    if (n > 0) {
      p.report_decoder.feed(std::string_view(buffer, static_cast<size_t>(n)), events);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    eof = n == 0 || errno != EAGAIN;
    break;
  }
  for (const auto& event : events) {
    const auto* frame = std::get_if<ap::Frame>(&event);
    if (frame == nullptr) continue;
    if (frame->type == ap::MessageType::kCreated && p.state == ProcessState::kSetup) {
      p.state = ProcessState::kHeld;
      p.created_sent = true;
      p.stall_report_at.reset();
      const auto it = containers_.find(p.container);
      const bool main = it != containers_.end() && it->second.main_handle == p.handle;
      if (main) it->second.mount_ns = mount_namespace_of(p.pid);
      console_.send_encoded(ap::encode(ap::MessageType::kCreated, p.handle, ap::ProcessPid{p.pid}));
    } else if (frame->type == ap::MessageType::kError) {
      p.state = ProcessState::kFailed;
      console_.send(ap::MessageType::kError, p.handle, frame->payload);
    }
  }
  if (!eof) return;
  p.report.reset();
  p.stall_report_at.reset();
  // Without an ERROR frame, the socket closing while exec is due means execve succeeded (close-on-exec),
  // even if the process has already exited by now (a short command; the reap may be seen first).
  const bool exec_pending = p.state == ProcessState::kStarting || (!p.is_main && p.state == ProcessState::kSetup);
  if (exec_pending) {
    p.state = ProcessState::kRunning;
    console_.send_encoded(ap::encode(ap::MessageType::kStarted, p.handle, ap::ProcessPid{p.pid}));
  } else if (p.state == ProcessState::kSetup) {
    // A CREATE child that died before reporting "held" (killed, or crashed).
    p.state = ProcessState::kFailed;
    console_.send_error(p.handle, "setup", 0, "process exited during setup");
  }
}

std::filesystem::path Agent::container_cgroup(const ap::Create& create) {
  if (!options_.cgroup_root) return {};
  if (!cgroups_tried_) {
    cgroups_tried_ = true;
    try {
      cgroups_ = ZoneCgroups::mount(*options_.cgroup_root);
    } catch (const std::exception& e) {
      console_.log(std::string("cgroups: ") + e.what() + ": containers get no cgroup of their own in this zone");
    }
  }
  if (!cgroups_) return {};
  const auto settings = create.linux_.resources ? cgroup_settings(*create.linux_.resources) : std::vector<CgroupSetting>{};
  std::erase(cgroups_to_remove_, create.container);  // the id is in use again
  std::vector<std::string> refused;
  auto dir = cgroups_->create(create.container, settings, refused);
  for (const auto& why : refused) console_.log("cgroup of container " + runz::quoted(create.container) + ": " + why);
  return dir;
}

// The container's cgroup: runz update's limits (the host has resized the zone already), pause/resume of a
// pod's container (frozen), and what it uses, in the answer.
void Agent::on_update(const ap::Frame& frame) {
  if (frame.stream == ap::kZoneStream || processes_.count(frame.stream))
    throw Error("handle " + std::to_string(frame.stream) + " is 0 or in use", EEXIST);
  const ap::Update update = ap::parse_update(frame.payload);
  const auto it = containers_.find(update.container);
  if (it == containers_.end()) throw Error("no container " + runz::quoted(update.container), ESRCH);
  const bool own_group = cgroups_ && !it->second.cgroup.empty();
  if (update.resources && own_group) {
    // As at CREATE: a setting the zone's kernel refuses (CPUs the zone does not have, a controller it
    // lacks) is logged and the rest applies; the zone itself was resized by the host already.
    std::vector<std::string> refused;
    cgroups_->create(update.container, cgroup_settings(*update.resources), refused);
    for (const auto& why : refused) console_.log("update of container " + runz::quoted(update.container) + ": " + why);
  }
  if (update.frozen) {
    if (!own_group)
      throw Error("container " + runz::quoted(update.container) + " has no cgroup of its own in this zone to freeze",
                  ENOTSUP);
    cgroups_->freeze(update.container, *update.frozen);
  }
  console_.send_encoded(ap::encode_updated(frame.stream, own_group ? cgroups_->usage(update.container) : ap::CgroupUsage{}));
}

// The container's processes may not all be reaped when its main process is: rmdir waits until they are.
void Agent::remove_cgroup(const std::string& container) {
  if (cgroups_ && !cgroups_->remove(container)) cgroups_to_remove_.push_back(container);
}

void Agent::on_reaped(pid_t pid, int status) {
  if (cgroups_) std::erase_if(cgroups_to_remove_, [&](const std::string& c) { return cgroups_->remove(c); });
  for (auto& [handle, p] : processes_) {
    if (p.pid != pid || p.wait_status) continue;
    p.wait_status = status;
    p.drain_deadline = Clock::now() + kStdioDrainAfterExitMs;
    if (p.report) on_report_readable(p);  // collect its last report before deciding
    auto it = containers_.find(p.container);
    if (p.is_main && it != containers_.end()) {
      it->second.main_exited = true;
      // As when the init of a PID namespace dies: the rest of the container goes too.
      if (it->second.mount_ns) signal_namespace(*it->second.mount_ns, SIGKILL);
    }
    finish_if_done(p, false);
    return;
  }
  // An orphan reparented to us: nothing to report.
}

void Agent::finish_if_done(ManagedProcess& p, bool force) {
  if (!p.wait_status) return;
  if (!p.stdio.output_closed() && !force) return;
  if (p.report && !force) return;
  p.stdio.close_all(console_, p.handle);
  p.report.reset();
  const bool report_exit = p.created_sent || p.state == ProcessState::kRunning;
  if (report_exit) {
    ap::Exit exit = ap::exit_from_wait_status(*p.wait_status);
    // A main process SIGKILLed in a container whose cgroup counted an OOM kill: as runc's OOM event, so that
    // containerd says OOMKilled.
    if (p.is_main && exit.signal == SIGKILL && cgroups_) {
      const auto it = containers_.find(p.container);
      if (it != containers_.end() && !it->second.cgroup.empty())
        exit.oom_killed = cgroups_->usage(p.container).oom_kills > 0;
    }
    console_.send_encoded(ap::encode(p.handle, exit));
  }
  const std::string container = p.container;
  const bool was_main = p.is_main;
  processes_.erase(p.handle);
  if (was_main) {
    auto it = containers_.find(container);
    if (it != containers_.end()) {
      std::error_code ignored;
      std::filesystem::remove_all(options_.state_dir / container, ignored);
      containers_.erase(it);
      remove_cgroup(container);
    }
  }
}

void Agent::kill_everything() {
  for (auto& [id, c] : containers_)
    if (c.mount_ns) signal_namespace(*c.mount_ns, SIGKILL);
  for (auto& [handle, p] : processes_)
    if (!p.wait_status) ::kill(p.pid, SIGKILL);
}

}  // namespace runz::guest
