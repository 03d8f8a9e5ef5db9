// TaskService's exec'd processes: ExecProcess records the OCI process, Start(exec_id) runs
// `runz exec --process <file> -d --pid-file <file> <id>` with the exec's stdio and watches the holder that
// runz leaves (it exits with the exec'd process's status), Delete(exec_id) forgets a process that ended.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <utility>

#include "common/child.hpp"
#include "runtime/atomic_file.hpp"
#include "shim-v2/process_io.hpp"
#include "shim-v2/proto/containerd/events/task.pb.h"
#include "shim-v2/task_service.hpp"

namespace runz::shim {

using ttrpc::Code;
using ttrpc::RpcError;
namespace events = containerd::events;

namespace {

// containerd's identifier rules (identifiers.Validate): they also make the id safe in a file name.
constexpr size_t kMaxExecIdLength = 76;
// An exec holder ended because its Start failed: time for the forwarded SIGTERM before SIGKILL.
constexpr std::chrono::seconds kHolderStopGrace{5};

void validate_exec_id(const std::string& id) {
  const bool chars_ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
  const bool edges_ok = !id.empty() && std::isalnum(static_cast<unsigned char>(id.front())) &&
                        std::isalnum(static_cast<unsigned char>(id.back()));
  if (!chars_ok || !edges_ok || id.size() > kMaxExecIdLength)
    throw RpcError(Code::InvalidArgument, "exec: exec id " + runz::quoted(id) +
                                              " must be 1-76 letters, digits, '_', '-' or '.', starting and ending "
                                              "with a letter or digit");
}

std::filesystem::path exec_file(const std::string& bundle, const std::string& exec_id, std::string_view suffix) {
  return std::filesystem::path(bundle) / ("exec-" + exec_id + std::string(suffix));
}

}  // namespace

void TaskService::exec(const task::ExecProcessRequest& r) {
  validate_exec_id(r.exec_id());
  if (!r.has_spec() || r.spec().value().empty()) throw RpcError(Code::InvalidArgument, "exec: no process spec");
  auto t = find_task(r.id());
  auto p = std::make_shared<Process>();
  p->exec_id = r.exec_id();
  p->stdin_path = r.stdin();
  p->stdout_path = r.stdout();
  p->stderr_path = r.stderr();
  p->spec = r.spec().value();
  p->terminal = r.terminal();
  {
    std::lock_guard lock(mu_);
    if (t->init->exit)
      throw RpcError(Code::FailedPrecondition, "exec in task " + runz::quoted(t->id) + ": the task has exited");
    if (!t->execs.emplace(p->exec_id, p).second)
      throw RpcError(Code::AlreadyExists, "exec " + runz::quoted(p->exec_id) + " already exists in task " + runz::quoted(t->id));
  }
  events::TaskExecAdded event;
  event.set_container_id(t->id);
  event.set_exec_id(p->exec_id);
  config_.publisher->publish(kTopicTaskExecAdded, event);
}

void TaskService::start_exec(const std::shared_ptr<Task>& task, const std::shared_ptr<Process>& p) {
  const Task& t = *task;
  {
    std::lock_guard lock(mu_);
    if (p->started || p->starting) throw RpcError(Code::FailedPrecondition, "exec " + runz::quoted(p->exec_id) + " was started already");
    p->starting = true;
  }
  const auto process_file = exec_file(t.bundle, p->exec_id, ".json");
  const auto pid_file = exec_file(t.bundle, p->exec_id, ".pid");
  auto remove_files = [&] {  // runz has read both (or failed): they are not kept, either way
    std::error_code ignored;
    std::filesystem::remove(process_file, ignored);
    std::filesystem::remove(pid_file, ignored);
  };
  try {
    runtime::write_file_atomic(process_file, p->spec, 0600);
    std::vector<std::string> args{"exec", "--process", process_file.string(), "--detach", "--pid-file", pid_file.string()};
    RuntimeStdio stdio(p->terminal, p->stdin_path, p->stdout_path, p->stderr_path, {t.id, config_.ns},
                       exec_file(t.bundle, p->exec_id, ".sock"), args);
    args.push_back(t.id);
    run_runtime(t.runtime, args, stdio.options(std::filesystem::path(t.bundle) / kRuntimeLogFile));
    p->pid = runtime::read_pid_file(pid_file);  // the holder: re-parented to us now that runz exec exited
    p->tty = stdio.take_terminal();
    p->logger = stdio.take_logger();
  } catch (...) {
    remove_files();
    // runz exec succeeded but the terminal did not come: end its holder (SIGTERM is forwarded to the
    // process in the zone) rather than leave it running unwatched
    if (p->pid > 0) terminate_child(std::exchange(p->pid, 0), kHolderStopGrace);
    std::lock_guard lock(mu_);
    p->starting = false;
    throw;
  }
  remove_files();
  watch_exit(task, p);
  {
    std::lock_guard lock(mu_);
    p->started = true;  // after watch_exit: Kill may use the pidfd from now on
  }
  events::TaskExecStarted event;
  event.set_container_id(t.id);
  event.set_exec_id(p->exec_id);
  event.set_pid(static_cast<std::uint32_t>(p->pid));
  config_.publisher->publish(kTopicTaskExecStarted, event);
  finish_start(t, p);
}

task::DeleteResponse TaskService::remove_exec(Task& t, const std::shared_ptr<Process>& p) {
  std::optional<Exit> exit;
  {
    std::lock_guard lock(mu_);
    if (p->starting || (p->started && !p->exit))
      throw RpcError(Code::FailedPrecondition, "exec " + runz::quoted(p->exec_id) + " is running: kill it first");
    exit = p->exit;
  }
  stop_waiter(*p);
  p->logger.reset();
  {
    std::lock_guard lock(mu_);
    t.execs.erase(p->exec_id);
  }
  task::DeleteResponse response;
  response.set_pid(static_cast<std::uint32_t>(p->pid));
  if (exit) {
    response.set_exit_status(exit->status);
    set_timestamp(response.mutable_exited_at(), exit->at);
  }
  return response;
}

}  // namespace runz::shim
