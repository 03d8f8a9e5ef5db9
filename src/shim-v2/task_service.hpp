// containerd.task.v2.Task on top of the `runz` CLI. Each method is a thin call: argv for runz (as
// containerd's runc shim builds it for runc), or an answer from the little the shim keeps per process:
// stdio paths, the host pid standing for it and, once known, the exit.
//
// Processes the shim watches, each a host process whose exit status is the container process's:
//   init  the monitor that `runz create` leaves running (--pid-file);
//   exec  the holder that `runz exec -d --pid-file` leaves running for an exec'd process (ExecProcess stores
//         the OCI process; Start(exec_id) runs runz exec; Kill signals the holder, which forwards it).
// The shim is a child subreaper (PR_SET_CHILD_SUBREAPER), so when runz exits its monitor or holder is
// re-parented to the shim. A waiter thread per process polls a pidfd of it; when it becomes readable it is
// reaped with waitid(P_PIDFD) (code, or 128+signal). For init, the status the monitor recorded in the state
// dir (exit.json, read through runz_runtime's StateStore) wins when present; it is the only source if the
// monitor was not our child (ECHILD). If nothing says anything the exit status is 255.
// Event order (runtime/v2/README.md): TaskCreate, TaskStart, TaskExit, TaskDelete; for an exec
// TaskExecAdded, TaskExecStarted, TaskExit (id = exec id), and no TaskDelete. A TaskExit observed while Start
// has not yet published its start event is held back and published right after it.
// Stats: `runz events --stats`, the zone's domain as runz reports it (zone_stats.hpp), as cgroups v2 Metrics.
// Terminals: a terminal task or exec gets runz's --console-socket and the master copied to its fifos
// (terminal.hpp; ResizePty). Checkpoint and restore are not supported: Unimplemented.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/fd.hpp"
#include "shim-v2/events.hpp"
#include "shim-v2/proto/containerd/task/v2/shim.pb.h"
#include "shim-v2/runtime_command.hpp"
#include "shim-v2/terminal.hpp"
#include "shim-v2/ttrpc_server.hpp"
#include "shim-v2/zone_stats.hpp"

namespace runz::shim {

namespace task = containerd::task::v2;

inline constexpr std::string_view kTaskService = "containerd.task.v2.Task";
// In the bundle: runz's --log (json) for the calls whose stdio belongs to the container (create, exec).
inline constexpr std::string_view kRuntimeLogFile = "log.json";
// In the bundle: the monitor's pid (runz create --pid-file), also read by the shim's `delete` sub-command.
inline constexpr std::string_view kInitPidFile = "init.pid";

struct TaskServiceConfig {
  std::string ns;                      // containerd namespace
  RuntimeConfig runtime;               // default runz binary + --root (CreateTaskRequest.options may override)
  Publisher* publisher = nullptr;      // not owned; must outlive the service
  std::function<void()> request_exit;  // called by Shutdown when no task is left
  ZoneUsageReader zone_usage = read_zone_usage;  // Stats' source: `runz events --stats` (tests replace it)
};

class TaskService {
 public:
  explicit TaskService(TaskServiceConfig config);
  TaskService(const TaskService&) = delete;
  TaskService& operator=(const TaskService&) = delete;
  ~TaskService();  // cancels waits and joins waiter threads (tasks themselves are left running)

  void register_methods(ttrpc::Server& server);

  task::CreateTaskResponse create(const task::CreateTaskRequest& request);
  void exec(const task::ExecProcessRequest& request);
  task::StartResponse start(const task::StartRequest& request);
  task::StateResponse state(const task::StateRequest& request);
  void kill(const task::KillRequest& request);
  task::DeleteResponse remove(const task::DeleteRequest& request);
  task::WaitResponse wait(const task::WaitRequest& request);
  task::PidsResponse pids(const task::PidsRequest& request);
  void pause(const task::PauseRequest& request);
  void resume(const task::ResumeRequest& request);
  void update(const task::UpdateTaskRequest& request);
  void close_io(const task::CloseIORequest& request);
  void resize_pty(const task::ResizePtyRequest& request);
  task::StatsResponse stats(const task::StatsRequest& request);
  task::ConnectResponse connect(const task::ConnectRequest& request);
  void shutdown(const task::ShutdownRequest& request);

  std::size_t task_count() const;
  // Wakes every blocked Wait (they fail with Unavailable) and stops the waiter threads.
  void cancel();

 private:
  struct Exit {
    std::uint32_t status = 0;
    std::chrono::system_clock::time_point at;
    bool oom_killed = false;  // runz recorded the init killed by its cgroup's OOM killer: TaskOOM first
  };
  // The init process or one exec'd process, as the host sees it (see the top of this file).
  struct Process {
    std::string exec_id;  // "" for init
    std::string stdin_path, stdout_path, stderr_path;
    std::string spec;  // exec: the OCI process (JSON) from ExecProcessRequest
    bool terminal = false;               // the request asked for a terminal
    std::unique_ptr<Terminal> tty;       // its pty master and copies; set before the waiter starts
    std::unique_ptr<LogBinary> logger;   // its binary:// logger, stopped when it is deleted
    pid_t pid = 0;
    UniqueFd pidfd;
    UniqueFd cancel;              // eventfd: Delete gave up waiting for it
    std::optional<Exit> exit;     // guarded by TaskService::mu_
    bool started = false;         // exec: Start ran runz exec and watches the holder (mu_)
    bool starting = false;        // Start is between runz and publishing its start event (mu_)
    bool exit_published = false;  // TaskExit went out (mu_)
    std::thread waiter;
  };
  struct Task {
    std::string id, bundle;
    RuntimeConfig runtime;
    bool rootfs_mounted = false;
    std::shared_ptr<Process> init = std::make_shared<Process>();
    std::map<std::string, std::shared_ptr<Process>> execs;  // mu_
  };
  struct Found {
    std::shared_ptr<Task> task;
    std::shared_ptr<Process> process;
  };

  std::shared_ptr<Task> find_task(const std::string& id) const;
  Found find(const std::string& id, const std::string& exec_id) const;
  // The id containerd uses for the process: the exec id, or the task id for init.
  static const std::string& process_id(const Task& task, const Process& process);
  void start_exec(const std::shared_ptr<Task>& task, const std::shared_ptr<Process>& process);
  task::DeleteResponse remove_exec(Task& task, const std::shared_ptr<Process>& process);
  void watch_exit(const std::shared_ptr<Task>& task, const std::shared_ptr<Process>& process);
  Exit observe_exit(const Task& task, const Process& process);
  void record_exit(const Task& task, const std::shared_ptr<Process>& process, Exit exit);
  void publish_exit(const Task& task, const Process& process, const Exit& exit);
  // Publishes a TaskExit that was held back while Start was publishing the start event.
  void finish_start(const Task& task, const std::shared_ptr<Process>& process);
  std::optional<Exit> wait_exit(const std::shared_ptr<Process>& process,
                                std::optional<std::chrono::milliseconds> timeout);
  // Stops a process's waiter (if it still runs) and joins it.
  void stop_waiter(Process& process);

  TaskServiceConfig config_;
  UniqueFd cancel_fd_;  // eventfd: readable once cancel() ran
  mutable std::mutex mu_;
  std::condition_variable exited_;
  bool cancelled_ = false;
  std::map<std::string, std::shared_ptr<Task>> tasks_;
};

}  // namespace runz::shim
