// containerd.task.v2.Task on top of the `runz` CLI. Each method is a thin call: argv for runz (as
// containerd's runc shim builds it for runc), or an answer from the little the shim keeps per task:
// id, bundle, stdio paths, the monitor's pid and, once known, the exit.
//
// Exit observation (the monitor is what `runz create` leaves running and what --pid-file names):
//   the shim is a child subreaper (PR_SET_CHILD_SUBREAPER), so when `runz create` exits, its monitor is
//   re-parented to the shim. A waiter thread per task polls a pidfd of the monitor; when it becomes readable
//   the monitor is reaped with waitid(P_PIDFD) (its exit status is the container's: code or 128+signal).
//   The status the monitor recorded in the state dir (exit.json, read through runz_runtime's StateStore)
//   wins when present; it is the only source if the monitor was not our child (ECHILD). If neither
//   says anything the exit status is 255.
// Event order (runtime/v2/README.md): TaskCreate, TaskStart, TaskExit, TaskDelete. A TaskExit observed while
// Start has not yet published TaskStart is held back and published right after it.
// Stats: the zone's domain as Xen accounts it (zone_stats.hpp), as cgroups v2 Metrics.
// Exec processes, terminals and checkpoints are not supported yet: Unimplemented.
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
#include "shim-v2/ttrpc_server.hpp"
#include "shim-v2/zone_stats.hpp"

namespace runz::shim {

namespace task = containerd::task::v2;

inline constexpr std::string_view kTaskService = "containerd.task.v2.Task";

struct TaskServiceConfig {
  std::string ns;                      // containerd namespace
  RuntimeConfig runtime;               // default runz binary + --root (CreateTaskRequest.options may override)
  Publisher* publisher = nullptr;      // not owned; must outlive the service
  std::function<void()> request_exit;  // called by Shutdown when no task is left
  ZoneUsageReader zone_usage = read_zone_usage;  // Stats' source (tests replace it: no Xen there)
};

class TaskService {
 public:
  explicit TaskService(TaskServiceConfig config);
  TaskService(const TaskService&) = delete;
  TaskService& operator=(const TaskService&) = delete;
  ~TaskService();  // cancels waits and joins waiter threads (tasks themselves are left running)

  void register_methods(ttrpc::Server& server);

  task::CreateTaskResponse create(const task::CreateTaskRequest& request);
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
  };
  struct Task {
    std::string id, bundle, stdin_path, stdout_path, stderr_path;
    RuntimeConfig runtime;
    bool rootfs_mounted = false;
    pid_t pid = 0;
    UniqueFd pidfd;
    UniqueFd cancel;  // eventfd: Delete gave up waiting for the monitor
    std::optional<Exit> exit;     // guarded by TaskService::mu_
    bool starting = false;        // Start is between `runz start` and publishing TaskStart (mu_)
    bool exit_published = false;  // TaskExit went out (mu_)
    std::thread waiter;
  };

  std::shared_ptr<Task> find(const std::string& id, const std::string& exec_id) const;
  void watch_exit(const std::shared_ptr<Task>& task);
  Exit observe_exit(const Task& task);
  void record_exit(const std::shared_ptr<Task>& task, Exit exit);
  void publish_exit(const Task& task, const Exit& exit);
  // Publishes a TaskExit that was held back while Start was publishing TaskStart.
  void finish_start(const std::shared_ptr<Task>& task);
  std::optional<Exit> wait_exit(const std::shared_ptr<Task>& task, std::optional<std::chrono::milliseconds> timeout);

  TaskServiceConfig config_;
  UniqueFd cancel_fd_;  // eventfd: readable once cancel() ran
  mutable std::mutex mu_;
  std::condition_variable exited_;
  bool cancelled_ = false;
  std::map<std::string, std::shared_ptr<Task>> tasks_;
};

}  // namespace runz::shim
