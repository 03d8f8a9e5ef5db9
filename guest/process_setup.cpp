#include "guest/process_setup.hpp"

#include "common/error.hpp"
#include "guest/capabilities.hpp"
#include "guest/devices.hpp"
#include "guest/exec_path.hpp"
#include "guest/kernel_file.hpp"
#include "guest/rlimits.hpp"
#include "guest/rootfs.hpp"
#include "guest/seccomp_filter.hpp"
#include "guest/stdio_relay.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace runz::guest {

namespace ap = agent_proto;

namespace {

// Writes a whole frame to the report pipe; errors are ignored (the agent then sees a setup failure anyway).
void report(int fd, ap::MessageType type, std::string_view payload) noexcept {
  try {
    const std::string frame = ap::encode_frame(type, 0, payload);
    std::string_view rest = frame;
    while (!rest.empty()) {
      const ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      rest.remove_prefix(static_cast<size_t>(n));
    }
  } catch (...) {
  }
}

void setup_stdio(const ChildPlan& plan) {
  if (::setsid() < 0) throw_errno("setsid");
  if (!plan.terminal) {
    // dup2 keeps the sources open; they are close-on-exec (made so below).
    if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 || ::dup2(plan.stderr_fd, 2) < 0)
      throw_errno("dup2 stdio");
  }
  // Nothing of the agent's (console, other processes' pipes) survives exec.
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) throw_errno("close_range");
}

// In the container (after the root switch): a pty from its /dev/ptmx; the slave becomes the controlling
// terminal and fds 0-2, the master goes to the agent with SCM_RIGHTS (one byte of payload, which the
// agent's frame decoder sees as text and ignores).
void setup_terminal(const ChildPlan& plan) {
  auto [master, slave] = open_pty(plan.height, plan.width);
  char byte = 'P';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  const int fd = master.get();
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  if (::sendmsg(plan.report_fd, &msg, MSG_NOSIGNAL) != 1) throw_errno("send the pty master to the agent");
  if (::ioctl(slave.get(), TIOCSCTTY, 0) != 0) throw_errno("TIOCSCTTY");
  for (int target = 0; target < 3; ++target)
    if (::dup2(slave.get(), target) < 0) throw_errno("dup2 terminal");
}

void reset_signals() {
  sigset_t all;
  sigemptyset(&all);
  if (::sigprocmask(SIG_SETMASK, &all, nullptr) != 0) throw_errno("sigprocmask");
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::signal(sig, SIG_DFL);  // EINVAL for the few reserved signals is fine
  }
}

bool has_namespace(const spec::Linux* linux_section, std::string_view type) {
  if (linux_section == nullptr) return false;
  for (const auto& ns : linux_section->namespaces)
    if (ns.type == type) return true;
  return false;
}

void build_container(const ChildPlan& plan, std::string& step) {
  const ap::Create& create = *plan.create;
  int flags = CLONE_NEWNS;
  if (!create.hostname.empty() || !create.domainname.empty() || has_namespace(plan.linux_, "uts")) flags |= CLONE_NEWUTS;
  if (has_namespace(plan.linux_, "ipc")) flags |= CLONE_NEWIPC;
  if (has_namespace(plan.linux_, "cgroup")) flags |= CLONE_NEWCGROUP;  // rooted at the cgroup joined above
  step = "unshare namespaces";
  if (::unshare(flags) != 0) throw_errno("unshare");
  make_mounts_private();

  step = "mount rootfs";
  const auto rootfs = plan.staging / "rootfs";
  plan.tags->mount_tag(create.rootfs.tag, rootfs);

  step = "mount";
  mount_all(rootfs, create.mounts, plan.staging, *plan.tags);
  step = "create devices";
  bool dev_mounted = false;
  for (const auto& m : create.mounts) dev_mounted = dev_mounted || m.destination == "/dev";
  create_devices(rootfs, dev_mounted, plan.linux_ ? plan.linux_->devices : std::vector<spec::Device>{});
  if (plan.linux_ != nullptr) {
    step = "maskedPaths";
    mask_paths(rootfs, plan.linux_->masked_paths);
    step = "readonlyPaths";
    readonly_paths(rootfs, plan.linux_->readonly_paths);
  }
  if (create.rootfs.readonly) {
    step = "readonly rootfs";
    remount_readonly(rootfs.string());
  }

  // Namespaced sysctls act on the writer's namespaces, whichever /proc is used: the zone's is always there.
  if (plan.linux_ != nullptr) {
    step = "sysctl";
    for (const auto& entry : plan.linux_->sysctl) {
      std::string path = "/proc/sys/" + entry.first;
      for (size_t i = std::string("/proc/sys/").size(); i < path.size(); ++i)
        if (path[i] == '.') path[i] = '/';
      with_context("sysctl " + runz::quoted(entry.first), [&] { write_kernel_file(path, entry.second); });
    }
  }

  step = "switch root";
  switch_root(rootfs);

  step = "sethostname";
  if (!create.hostname.empty() && ::sethostname(create.hostname.data(), create.hostname.size()) != 0)
    throw_errno("sethostname " + runz::quoted(create.hostname));
  step = "setdomainname";
  if (!create.domainname.empty() && ::setdomainname(create.domainname.data(), create.domainname.size()) != 0)
    throw_errno("setdomainname " + runz::quoted(create.domainname));
}

void switch_user(const spec::User& user, bool keep_caps) {
  if (keep_caps && ::prctl(PR_SET_KEEPCAPS, 1UL, 0UL, 0UL, 0UL) != 0) throw_errno("PR_SET_KEEPCAPS");
  std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
  if (::setgroups(groups.size(), groups.data()) != 0) throw_errno("setgroups");
  if (::setresgid(user.gid, user.gid, user.gid) != 0) throw_errno("setgid " + std::to_string(user.gid));
  if (::setresuid(user.uid, user.uid, user.uid) != 0) throw_errno("setuid " + std::to_string(user.uid));
  if (keep_caps && ::prctl(PR_SET_KEEPCAPS, 0UL, 0UL, 0UL, 0UL) != 0) throw_errno("PR_SET_KEEPCAPS");
}

[[noreturn]] void run(const ChildPlan& plan) {
  std::string step = "stdio";
  try {
    const spec::Process& process = *plan.process;
    reset_signals();
    setup_stdio(plan);

    if (!plan.cgroup.empty()) {
      step = "join cgroup";
      write_kernel_file(plan.cgroup / "cgroup.procs", "0");
    }
    if (plan.create != nullptr) {
      build_container(plan, step);
    } else {
      step = "join container";
      join_container(plan.join_pid);
    }
    if (plan.terminal) {
      step = "terminal";
      setup_terminal(plan);
    }

    step = "oomScoreAdj";
    if (process.oom_score_adj) write_kernel_file("/proc/self/oom_score_adj", std::to_string(*process.oom_score_adj));
    step = "rlimits";
    apply_rlimits(resolve_rlimits(process.rlimits));

    step = "find executable";
    std::vector<std::string> env = process.env;
    const auto executable = find_executable(process.args.at(0), env_value(env, "PATH"), is_executable_file);
    if (!executable) throw Error("executable file " + runz::quoted(process.args.at(0)) + " not found in $PATH", ENOENT);

    step = "seccomp";
    SeccompFilter filter;
    if (plan.linux_ != nullptr && plan.linux_->seccomp)
      filter = build_seccomp_filter(*plan.linux_->seccomp, process.no_new_privileges);
    // Without NO_NEW_PRIVS, loading a filter needs CAP_SYS_ADMIN: load it while we still have it.
    if (filter && !process.no_new_privileges) load_seccomp_filter(filter);

    step = "capabilities";
    const int last_cap = kernel_last_cap();
    std::optional<CapabilityMasks> caps;
    if (process.capabilities) {
      caps = capability_masks(*process.capabilities, last_cap);
      drop_bounding_set(*caps, last_cap);
    }
    step = "user";
    switch_user(process.user, caps.has_value());
    step = "capabilities";
    if (caps) apply_capabilities(*caps, last_cap);

    step = "umask";
    ::umask(static_cast<mode_t>(process.user.umask.value_or(022)));
    step = "cwd";
    if (::chdir(process.cwd.c_str()) != 0) throw_errno("chdir " + runz::quoted(process.cwd));
    step = "noNewPrivileges";
    if (process.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0)
      throw_errno("PR_SET_NO_NEW_PRIVS");

    if (plan.start_fd >= 0) {
      report(plan.report_fd, ap::MessageType::kCreated, "");
      step = "wait for start";
      char byte = 0;
      ssize_t n;
      do n = ::read(plan.start_fd, &byte, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1) ::_exit(kSetupFailedStatus);  // the agent dropped the process before START
    }

    step = "seccomp";
    if (filter && process.no_new_privileges) load_seccomp_filter(filter);

    step = "exec";
    std::vector<std::string> args = process.args;
    const auto argv = c_string_array(args);
    const auto envp = c_string_array(env);
    ::execve(executable->c_str(), argv.data(), envp.data());
    throw_errno("exec " + runz::quoted(*executable));
  } catch (const Error& e) {
    report(plan.report_fd, ap::MessageType::kError, ap::to_json_payload(ap::ErrorReport{step, e.code(), e.what()}));
  } catch (const std::exception& e) {
    report(plan.report_fd, ap::MessageType::kError, ap::to_json_payload(ap::ErrorReport{step, 0, e.what()}));
  }
  ::_exit(kSetupFailedStatus);
}

}  // namespace

void run_child(const ChildPlan& plan) noexcept {
  try {
    run(plan);
  } catch (...) {
  }
  ::_exit(kSetupFailedStatus);
}

}  // namespace runz::guest
