#include "guest/process.hpp"

#include "common/error.hpp"

#include <fcntl.h>
#include <sched.h>
#include <csignal>
#include <string>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace runz::guest {
namespace {

// fork(2), or for a container whose config asks for a PID namespace of its own a fork into a new one (the
// container's process is its PID 1, as under runc), or for an EXEC into such a container a fork into its
// PID namespace: setns(2) on a PID namespace only moves the caller's future
// children, so the agent moves there for the fork and back to its own.
pid_t fork_child(const ChildPlan& plan) {
  if (plan.create != nullptr && plan.create->pid_namespace)
    return static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD | CLONE_NEWPID, nullptr, nullptr, nullptr, nullptr));
  if (!plan.join_pid_namespace) return ::fork();
  const std::string target_path = "/proc/" + std::to_string(plan.join_pid) + "/ns/pid";
  UniqueFd own(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!own) throw_errno("open /proc/self/ns/pid");
  UniqueFd target(::open(target_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) throw_errno("open " + runz::quoted(target_path));
  if (::setns(target.get(), CLONE_NEWPID) != 0) throw_errno("setns " + runz::quoted(target_path));
  const pid_t pid = ::fork();
  const int fork_errno = errno;
  if (pid != 0 && ::setns(own.get(), CLONE_NEWPID) != 0) throw_errno("setns back to the agent's PID namespace");
  errno = fork_errno;
  return pid;
}

}  // namespace

ManagedProcess spawn_process(uint32_t handle, const std::string& container, ChildPlan plan, bool terminal,
                             uint32_t height, uint32_t width) {
  ManagedProcess p;
  p.handle = handle;
  p.container = container;
  p.is_main = plan.create != nullptr;

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw_errno("socketpair");
  UniqueFd report_r(sv[0]), report_w(sv[1]);
  UniqueFd start_r, start_w;
  if (p.is_main) std::tie(start_r, start_w) = make_pipe();

  UniqueFd child_in, child_out, child_err;
  UniqueFd our_in, our_out, our_err;
  if (!terminal) {
    std::tie(child_in, our_in) = make_pipe();
    std::tie(our_out, child_out) = make_pipe();
    std::tie(our_err, child_err) = make_pipe();
  }

  plan.report_fd = report_w.get();
  plan.start_fd = start_r.get();
  plan.stdin_fd = child_in.get();
  plan.stdout_fd = child_out.get();
  plan.stderr_fd = child_err.get();
  plan.terminal = terminal;
  plan.height = height;
  plan.width = width;

  const pid_t pid = fork_child(plan);
  if (pid < 0) throw_errno("fork");
  if (pid == 0) run_child(plan);

  p.pid = pid;
  p.report = std::move(report_r);
  const int flags = ::fcntl(p.report.get(), F_GETFL);
  if (flags >= 0) ::fcntl(p.report.get(), F_SETFL, flags | O_NONBLOCK);
  p.start = std::move(start_w);
  // A terminal's master arrives later over the report socket (Agent::on_report_readable).
  if (!terminal) p.stdio = StdioRelay(std::move(our_in), std::move(our_out), std::move(our_err));
  p.terminal = terminal;
  return p;  // the child's ends close here, in the agent
}

}  // namespace runz::guest
