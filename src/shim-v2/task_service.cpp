#include "shim-v2/task_service.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <google/protobuf/empty.pb.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/atomic_file.hpp"
#include "runtime/state_store.hpp"
#include "shim-v2/process_io.hpp"
#include "shim-v2/proto/containerd/events/task.pb.h"
#include "shim-v2/proto/containerd/runc/options.pb.h"
#include "shim-v2/rootfs_mount.hpp"

#ifndef RUNZ_SHIM_VERSION
#define RUNZ_SHIM_VERSION "dev"
#endif

namespace runz::shim {

using ttrpc::Code;
using ttrpc::RpcError;
namespace events = containerd::events;
namespace types = containerd::v1::types;

namespace {

constexpr std::uint32_t kUnknownExitStatus = 255;
constexpr auto kDeleteExitTimeout = std::chrono::seconds(10);
constexpr std::string_view kRuncOptionsType = "containerd.runc.v1.Options";
// A terminal's last output after its process exited: the monitor closes the pty as it exits, so this only
// bounds a stray holder of the pty's other side.
constexpr auto kTerminalDrain = std::chrono::seconds(2);
// waitid(2) id type for a pidfd (linux/wait.h P_PIDFD; glibc 2.36's idtype_t does not name it).
constexpr int kIdTypePidfd = 3;

template <class Request, class Response, class Fn>
void add_method(ttrpc::Server& server, std::string_view method, Fn fn) {
  server.register_method(kTaskService, method, [fn](const std::string& payload, const ttrpc::RequestContext&) {
    Request request;
    if (!request.ParseFromString(payload)) {
      throw RpcError(Code::InvalidArgument, "cannot decode " + Request::descriptor()->full_name());
    }
    if constexpr (std::is_void_v<Response>) {
      fn(request);
      return google::protobuf::Empty().SerializeAsString();
    } else {
      Response response = fn(request);
      return response.SerializeAsString();
    }
  });
}

void unimplemented(ttrpc::Server& server, std::string_view method, std::string why) {
  server.register_method(kTaskService, method, [m = std::string(method), why](const std::string&, const ttrpc::RequestContext&) -> std::string {
    throw RpcError(Code::Unimplemented, m + ": " + why);
  });
}

types::Status parse_runtime_status(const std::string& text) {
  if (text == "created" || text == "creating") return types::CREATED;
  if (text == "running") return types::RUNNING;
  if (text == "stopped") return types::STOPPED;
  if (text == "paused") return types::PAUSED;
  if (text == "pausing") return types::PAUSING;
  return types::UNKNOWN;
}

UniqueFd make_eventfd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw_errno("eventfd");
  return fd;
}

void signal_eventfd(int fd) noexcept {
  std::uint64_t one = 1;
  if (::write(fd, &one, sizeof one) < 0) std::cerr << "eventfd write: " << std::strerror(errno) << "\n";
}

}  // namespace

TaskService::TaskService(TaskServiceConfig config) : config_(std::move(config)), cancel_fd_(make_eventfd()) {
  if (config_.publisher == nullptr) throw Error("task service needs a publisher");
}

TaskService::~TaskService() {
  cancel();
  std::map<std::string, std::shared_ptr<Task>> tasks;
  {
    std::lock_guard lock(mu_);
    tasks.swap(tasks_);
  }
  for (auto& [id, task] : tasks) {
    if (task->init->waiter.joinable()) task->init->waiter.join();
    for (auto& [exec_id, process] : task->execs)
      if (process->waiter.joinable()) process->waiter.join();
  }
}

void TaskService::cancel() {
  std::lock_guard lock(mu_);
  if (cancelled_) return;
  cancelled_ = true;
  signal_eventfd(cancel_fd_.get());
  exited_.notify_all();
}

std::size_t TaskService::task_count() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void TaskService::register_methods(ttrpc::Server& server) {
  add_method<task::CreateTaskRequest, task::CreateTaskResponse>(server, "Create", [this](const auto& r) { return create(r); });
  add_method<task::ExecProcessRequest, void>(server, "Exec", [this](const auto& r) { exec(r); });
  add_method<task::StartRequest, task::StartResponse>(server, "Start", [this](const auto& r) { return start(r); });
  add_method<task::StateRequest, task::StateResponse>(server, "State", [this](const auto& r) { return state(r); });
  add_method<task::KillRequest, void>(server, "Kill", [this](const auto& r) { kill(r); });
  add_method<task::DeleteRequest, task::DeleteResponse>(server, "Delete", [this](const auto& r) { return remove(r); });
  add_method<task::WaitRequest, task::WaitResponse>(server, "Wait", [this](const auto& r) { return wait(r); });
  add_method<task::PidsRequest, task::PidsResponse>(server, "Pids", [this](const auto& r) { return pids(r); });
  add_method<task::PauseRequest, void>(server, "Pause", [this](const auto& r) { pause(r); });
  add_method<task::ResumeRequest, void>(server, "Resume", [this](const auto& r) { resume(r); });
  add_method<task::UpdateTaskRequest, void>(server, "Update", [this](const auto& r) { update(r); });
  add_method<task::CloseIORequest, void>(server, "CloseIO", [this](const auto& r) { close_io(r); });
  add_method<task::StatsRequest, task::StatsResponse>(server, "Stats", [this](const auto& r) { return stats(r); });
  add_method<task::ConnectRequest, task::ConnectResponse>(server, "Connect", [this](const auto& r) { return connect(r); });
  add_method<task::ShutdownRequest, void>(server, "Shutdown", [this](const auto& r) { shutdown(r); });
  add_method<task::ResizePtyRequest, void>(server, "ResizePty", [this](const auto& r) { resize_pty(r); });
  unimplemented(server, "Checkpoint", "checkpoint is not supported by runz");
}

std::shared_ptr<TaskService::Task> TaskService::find_task(const std::string& id) const { return find(id, "").task; }

const std::string& TaskService::process_id(const Task& t, const Process& p) {
  return p.exec_id.empty() ? t.id : p.exec_id;
}

TaskService::Found TaskService::find(const std::string& id, const std::string& exec_id) const {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) throw RpcError(Code::NotFound, "task " + runz::quoted(id) + " not found");
  if (exec_id.empty()) return {it->second, it->second->init};
  auto e = it->second->execs.find(exec_id);
  if (e == it->second->execs.end())
    throw RpcError(Code::NotFound, "exec " + runz::quoted(exec_id) + " of task " + runz::quoted(id) + " not found");
  return {it->second, e->second};
}

task::CreateTaskResponse TaskService::create(const task::CreateTaskRequest& r) {
  if (r.id().empty()) throw RpcError(Code::InvalidArgument, "create: task id is empty");
  if (r.bundle().empty()) throw RpcError(Code::InvalidArgument, "create: bundle is empty");
  if (!r.checkpoint().empty()) throw RpcError(Code::Unimplemented, "create: restoring a checkpoint is not supported by runz");

  auto t = std::make_shared<Task>();
  t->id = r.id();
  t->bundle = r.bundle();
  Process& init = *t->init;
  init.stdin_path = r.stdin();
  init.stdout_path = r.stdout();
  init.stderr_path = r.stderr();
  init.terminal = r.terminal();
  t->runtime = config_.runtime;
  if (r.has_options() && std::string_view(r.options().type_url()).ends_with(kRuncOptionsType)) {
    containerd::runc::v1::Options options;
    if (!options.ParseFromString(r.options().value())) {
      throw RpcError(Code::InvalidArgument, "create: cannot decode " + std::string(kRuncOptionsType));
    }
    if (!options.binary_name().empty()) t->runtime.binary = options.binary_name();
    if (!options.root().empty()) t->runtime.root = std::filesystem::path(options.root()) / config_.ns;
  }
  {
    std::lock_guard lock(mu_);
    if (tasks_.contains(t->id)) throw RpcError(Code::AlreadyExists, "task " + runz::quoted(t->id) + " already exists");
    tasks_.emplace(t->id, t);  // reserve the id while runz works
  }
  auto unreserve = [&] {
    std::lock_guard lock(mu_);
    tasks_.erase(t->id);
  };

  const std::filesystem::path bundle(t->bundle);
  const std::filesystem::path rootfs = bundle / "rootfs";
  try {
    if (r.rootfs_size() > 0) {
      std::vector<MountSpec> mounts;
      for (const auto& m : r.rootfs()) mounts.push_back({m.type(), m.source(), {m.options().begin(), m.options().end()}});
      std::filesystem::create_directories(rootfs);
      mount_rootfs(mounts, rootfs);
      t->rootfs_mounted = true;
    }
    std::vector<std::string> args{"create", "--bundle", t->bundle, "--pid-file", (bundle / kInitPidFile).string()};
    RuntimeStdio stdio(init.terminal, init.stdin_path, init.stdout_path, init.stderr_path, {t->id, config_.ns},
                       bundle / "console.sock", args);
    args.push_back(t->id);
    run_runtime(t->runtime, args, stdio.options(bundle / kRuntimeLogFile));
    // The monitor holds its own copies of the stdio fds; ours close here.
    init.pid = runtime::read_pid_file(bundle / kInitPidFile);
    init.tty = stdio.take_terminal();
    init.logger = stdio.take_logger();
  } catch (...) {
    // Leave nothing behind: a half-created container (if runz got that far), the rootfs mount, the id.
    try {
      if (runtime::StateStore(t->runtime.root).exists(t->id)) {
        run_runtime(t->runtime, {"delete", "--force", t->id});
      }
    } catch (const std::exception& e) {
      std::cerr << "create " << t->id << ": cleanup: " << e.what() << "\n";
    }
    if (t->rootfs_mounted) unmount_rootfs(rootfs);
    unreserve();
    throw;
  }

  watch_exit(t, t->init);

  events::TaskCreate event;
  event.set_container_id(t->id);
  event.set_bundle(t->bundle);
  *event.mutable_rootfs() = r.rootfs();
  event.mutable_io()->set_stdin(init.stdin_path);
  event.mutable_io()->set_stdout(init.stdout_path);
  event.mutable_io()->set_stderr(init.stderr_path);
  event.mutable_io()->set_terminal(init.terminal);
  event.set_pid(static_cast<std::uint32_t>(init.pid));
  config_.publisher->publish(kTopicTaskCreate, event);

  task::CreateTaskResponse response;
  response.set_pid(static_cast<std::uint32_t>(init.pid));
  return response;
}

void TaskService::watch_exit(const std::shared_ptr<Task>& t, const std::shared_ptr<Process>& p) {
  p->pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, p->pid, 0)));  // glibc 2.36's wrapper lacks C linkage in C++
  if (!p->pidfd && errno != ESRCH) std::cerr << "pidfd_open " << p->pid << ": " << std::strerror(errno) << "\n";
  p->cancel = make_eventfd();
  p->waiter = std::thread([this, t, p] {
    if (p->pidfd) {
      for (;;) {
        pollfd fds[3] = {{p->pidfd.get(), POLLIN, 0}, {cancel_fd_.get(), POLLIN, 0}, {p->cancel.get(), POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
          if (errno == EINTR) continue;
          std::cerr << "wait for process " << p->pid << " of task " << t->id << ": poll: " << std::strerror(errno) << "\n";
          return;
        }
        if (fds[1].revents != 0 || fds[2].revents != 0) return;  // cancelled: the shim or Delete stopped caring
        break;
      }
    }
    const Exit exit = observe_exit(*t, *p);
    if (p->tty) p->tty->drain_output(kTerminalDrain);  // what it printed last reaches the fifo before TaskExit
    record_exit(*t, p, exit);
  });
}

TaskService::Exit TaskService::observe_exit(const Task& t, const Process& p) {
  Exit exit{kUnknownExitStatus, std::chrono::system_clock::now()};
  if (p.pidfd) {
    siginfo_t info{};
    if (::waitid(static_cast<idtype_t>(kIdTypePidfd), static_cast<id_t>(p.pidfd.get()), &info, WEXITED | WNOHANG) == 0 &&
        info.si_pid != 0) {
      exit.status = info.si_code == CLD_EXITED ? static_cast<std::uint32_t>(info.si_status)
                                               : 128u + static_cast<std::uint32_t>(info.si_status);
    }
  }
  if (!p.exec_id.empty()) return exit;  // a holder exits with its process's status; nothing is recorded
  try {
    auto record = runtime::StateStore(t.runtime.root).load(t.id);
    if (record.exit) {
      exit.status = static_cast<std::uint32_t>(record.exit->exit.status);
      exit.oom_killed = record.exit->exit.oom_killed;
    }
  } catch (const std::exception& e) {
    // Deleted already, or never written: the monitor's own status (or 255) stands.
    if (exit.status == kUnknownExitStatus) std::cerr << "exit status of " << t.id << ": " << e.what() << "\n";
  }
  return exit;
}

void TaskService::record_exit(const Task& t, const std::shared_ptr<Process>& p, Exit exit) {
  {
    std::lock_guard lock(mu_);
    if (p->exit) return;
    p->exit = exit;
    exited_.notify_all();
    if (p->starting) return;  // finish_start() publishes it after the start event
    p->exit_published = true;
  }
  publish_exit(t, *p, exit);
}

void TaskService::publish_exit(const Task& t, const Process& p, const Exit& exit) {
  if (exit.oom_killed) {
    // before the exit, as runc's shim: containerd's CRI plugin then gives the container reason OOMKilled
    events::TaskOOM oom;
    oom.set_container_id(t.id);
    config_.publisher->publish(kTopicTaskOOM, oom);
  }
  events::TaskExit event;
  event.set_container_id(t.id);
  event.set_id(process_id(t, p));
  event.set_pid(static_cast<std::uint32_t>(p.pid));
  event.set_exit_status(exit.status);
  set_timestamp(event.mutable_exited_at(), exit.at);
  config_.publisher->publish(kTopicTaskExit, event);
}

void TaskService::finish_start(const Task& t, const std::shared_ptr<Process>& p) {
  std::optional<Exit> held;
  {
    std::lock_guard lock(mu_);
    p->starting = false;
    if (p->exit && !p->exit_published) {
      p->exit_published = true;
      held = p->exit;
    }
  }
  if (held) publish_exit(t, *p, *held);
}

std::optional<TaskService::Exit> TaskService::wait_exit(const std::shared_ptr<Process>& p,
                                                        std::optional<std::chrono::milliseconds> timeout) {
  std::unique_lock lock(mu_);
  auto done = [&] { return p->exit.has_value() || cancelled_; };
  if (timeout) {
    exited_.wait_for(lock, *timeout, done);
  } else {
    exited_.wait(lock, done);
  }
  return p->exit;
}

void TaskService::stop_waiter(Process& p) {
  if (p.cancel) signal_eventfd(p.cancel.get());
  if (p.waiter.joinable() && p.waiter.get_id() != std::this_thread::get_id()) p.waiter.join();
}

task::StartResponse TaskService::start(const task::StartRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  if (!p->exec_id.empty()) {
    start_exec(t, p);
    task::StartResponse response;
    response.set_pid(static_cast<std::uint32_t>(p->pid));
    return response;
  }
  {
    std::lock_guard lock(mu_);
    p->starting = true;
  }
  try {
    run_runtime(t->runtime, {"start", t->id});
  } catch (...) {
    finish_start(*t, p);
    throw;
  }
  events::TaskStart event;
  event.set_container_id(t->id);
  event.set_pid(static_cast<std::uint32_t>(p->pid));
  config_.publisher->publish(kTopicTaskStart, event);
  finish_start(*t, p);
  task::StartResponse response;
  response.set_pid(static_cast<std::uint32_t>(p->pid));
  return response;
}

task::StateResponse TaskService::state(const task::StateRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  task::StateResponse response;
  response.set_id(process_id(*t, *p));
  response.set_exec_id(p->exec_id);
  response.set_bundle(t->bundle);
  response.set_pid(static_cast<std::uint32_t>(p->pid));
  response.set_stdin(p->stdin_path);
  response.set_stdout(p->stdout_path);
  response.set_stderr(p->stderr_path);
  response.set_terminal(p->terminal);
  std::optional<Exit> exit;
  bool started = false;
  {
    std::lock_guard lock(mu_);
    exit = p->exit;
    started = p->started;
  }
  if (exit) {
    response.set_status(types::STOPPED);
    response.set_exit_status(exit->status);
    set_timestamp(response.mutable_exited_at(), exit->at);
    return response;
  }
  if (!p->exec_id.empty()) {
    // An exec is created until Start ran runz exec, then running until its holder exits.
    response.set_status(started ? types::RUNNING : types::CREATED);
    return response;
  }
  RunResult result = run_runtime(t->runtime, {"state", t->id});
  auto doc = nlohmann::json::parse(result.out, nullptr, false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) {
    throw RpcError(Code::Internal, "runz state " + t->id + ": unexpected output");
  }
  response.set_status(parse_runtime_status(doc["status"].get<std::string>()));
  return response;
}

void TaskService::kill(const task::KillRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  const int sig = r.signal() == 0 ? SIGTERM : static_cast<int>(r.signal());
  {
    std::lock_guard lock(mu_);
    // containerd treats NotFound from Kill of a finished process as "already gone".
    if (p->exit) throw RpcError(Code::NotFound, "process " + runz::quoted(process_id(*t, *p)) + " already finished");
    if (!p->exec_id.empty()) {
      if (!p->started) throw RpcError(Code::FailedPrecondition, "exec " + runz::quoted(p->exec_id) + " is not started");
      // The holder forwards the signal to the exec'd process; a pidfd cannot hit a recycled pid.
      if (::syscall(SYS_pidfd_send_signal, p->pidfd.get(), sig, nullptr, 0) != 0 && errno != ESRCH)
        throw RpcError(Code::Unknown, "kill exec " + runz::quoted(p->exec_id) + ": " + std::strerror(errno));
      return;
    }
  }
  std::vector<std::string> args{"kill"};
  if (r.all()) args.emplace_back("--all");
  args.push_back(t->id);
  args.push_back(std::to_string(sig));
  run_runtime(t->runtime, args);
}

task::DeleteResponse TaskService::remove(const task::DeleteRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  if (!p->exec_id.empty()) return remove_exec(*t, p);
  run_runtime(t->runtime, {"delete", t->id});
  // `runz delete` ends the monitor of a created-but-never-started task; a started one has exited already.
  auto exit = wait_exit(p, kDeleteExitTimeout);
  if (!exit) {
    record_exit(*t, p, Exit{128u + SIGKILL, std::chrono::system_clock::now()});
    std::lock_guard lock(mu_);
    exit = p->exit;
  }
  stop_waiter(*p);  // the waiter may still poll a monitor we no longer care about
  p->logger.reset();  // containerd's order: the process is deleted, then its logger is told to stop
  // Exec'd processes ended with the zone; their holders exit on their own once the monitor is gone.
  std::vector<std::pair<std::shared_ptr<Process>, bool>> execs;  // each exec, and whether it was started
  {
    std::lock_guard lock(mu_);
    for (const auto& [exec_id, e] : t->execs) execs.emplace_back(e, e->started);
  }
  for (auto& [e, started] : execs) {
    if (started) wait_exit(e, kDeleteExitTimeout);
    stop_waiter(*e);
    e->logger.reset();
  }
  if (t->rootfs_mounted) unmount_rootfs(std::filesystem::path(t->bundle) / "rootfs");
  {
    std::lock_guard lock(mu_);
    tasks_.erase(t->id);
  }
  events::TaskDelete event;
  event.set_container_id(t->id);
  event.set_id(t->id);
  event.set_pid(static_cast<std::uint32_t>(p->pid));
  event.set_exit_status(exit->status);
  set_timestamp(event.mutable_exited_at(), exit->at);
  config_.publisher->publish(kTopicTaskDelete, event);

  task::DeleteResponse response;
  response.set_pid(static_cast<std::uint32_t>(p->pid));
  response.set_exit_status(exit->status);
  set_timestamp(response.mutable_exited_at(), exit->at);
  return response;
}

task::WaitResponse TaskService::wait(const task::WaitRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  auto exit = wait_exit(p, std::nullopt);
  if (!exit) throw RpcError(Code::Unavailable, "wait " + runz::quoted(t->id) + ": the shim is shutting down");
  task::WaitResponse response;
  response.set_exit_status(exit->status);
  set_timestamp(response.mutable_exited_at(), exit->at);
  return response;
}

task::PidsResponse TaskService::pids(const task::PidsRequest& r) {
  auto t = find_task(r.id());
  // The container's processes live inside the zone; on the host there is one process per task (the
  // monitor) and one per running exec (its holder).
  task::PidsResponse response;
  std::lock_guard lock(mu_);
  if (!t->init->exit) response.add_processes()->set_pid(static_cast<std::uint32_t>(t->init->pid));
  for (const auto& [exec_id, e] : t->execs)
    if (e->started && !e->exit) response.add_processes()->set_pid(static_cast<std::uint32_t>(e->pid));
  return response;
}

void TaskService::pause(const task::PauseRequest& r) {
  auto t = find_task(r.id());
  run_runtime(t->runtime, {"pause", t->id});
  events::TaskPaused event;
  event.set_container_id(t->id);
  config_.publisher->publish(kTopicTaskPaused, event);
}

void TaskService::resume(const task::ResumeRequest& r) {
  auto t = find_task(r.id());
  run_runtime(t->runtime, {"resume", t->id});
  events::TaskResumed event;
  event.set_container_id(t->id);
  config_.publisher->publish(kTopicTaskResumed, event);
}

void TaskService::update(const task::UpdateTaskRequest& r) {
  auto t = find_task(r.id());
  // containerd sends runtime-spec LinuxResources as JSON in the Any (typeurl's JSON encoding of Go types):
  // exactly what `runz update --resources -` reads.
  if (!r.has_resources() || r.resources().value().empty()) return;
  RunOptions options;
  options.stdin_data = r.resources().value();
  run_runtime(t->runtime, {"update", "--resources", "-", t->id}, options);
}

void TaskService::resize_pty(const task::ResizePtyRequest& r) {
  auto [t, p] = find(r.id(), r.exec_id());
  if (!p->tty) throw RpcError(Code::FailedPrecondition, "resize " + runz::quoted(process_id(*t, *p)) + ": it has no terminal");
  p->tty->resize(r.width(), r.height());
}

void TaskService::close_io(const task::CloseIORequest& r) {
  // The stdin fifo went to the monitor directly and the shim kept no writer on it, so containerd closing its
  // end already gives the container EOF: nothing to do here.
  find(r.id(), r.exec_id());
}

task::StatsResponse TaskService::stats(const task::StatsRequest& r) {
  auto t = find_task(r.id());
  {
    std::lock_guard lock(mu_);
    if (t->init->exit) throw RpcError(Code::NotFound, "stats " + runz::quoted(t->id) + ": the task has exited");
  }
  // runz answers from the container's monitor; its refusals (not running, does not exist) map as any other.
  const ZoneUsage usage = config_.zone_usage(t->runtime, t->id);
  task::StatsResponse response;
  response.mutable_stats()->set_type_url(std::string(kCgroup2MetricsType));
  response.mutable_stats()->set_value(to_cgroup2_metrics(usage).SerializeAsString());
  return response;
}

task::ConnectResponse TaskService::connect(const task::ConnectRequest& r) {
  task::ConnectResponse response;
  response.set_shim_pid(static_cast<std::uint32_t>(::getpid()));
  response.set_version(std::string("runz ") + RUNZ_SHIM_VERSION);
  std::lock_guard lock(mu_);
  if (auto it = tasks_.find(r.id()); it != tasks_.end()) response.set_task_pid(static_cast<std::uint32_t>(it->second->init->pid));
  return response;
}

void TaskService::shutdown(const task::ShutdownRequest&) {
  // Like containerd's runc shim: a shim that still has tasks ignores Shutdown.
  if (task_count() > 0) return;
  if (config_.request_exit) config_.request_exit();
}

}  // namespace runz::shim
