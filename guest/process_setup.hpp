// Runs in the forked child, never returns: turns the agent's copy into the container process. First it
// joins the container's cgroup (before any cgroup namespace, whose root must hold it). For CREATE:
// new mount (and uts/ipc/cgroup) namespaces, rootfs and mounts, switch root, hostname, sysctl; for EXEC: join the
// container. Then rlimits, executable lookup, seccomp, user, capabilities, umask, cwd, noNewPrivileges;
// CREATE reports "held" and waits for START; then execve. Each failure goes to the agent as an ERROR frame
// {step, errno, message} on the report pipe, and the child exits.
#pragma once

#include "agent-proto/messages.hpp"
#include "guest/mounts.hpp"

#include <filesystem>

namespace runz::guest {

// Exit status of a child whose setup failed (its ERROR frame says why).
inline constexpr int kSetupFailedStatus = 126;

struct ChildPlan {
  // Standard streams: three pipe ends, or (terminal) a pty the child allocates inside the container, from the
  // container's own /dev/ptmx, so that ttyname() works there; its master goes to the agent over report_fd.
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
  bool terminal = false;
  uint32_t height = 0, width = 0;
  int report_fd = -1;  // unix stream socket: frames to the agent (CREATED, ERROR) and the pty master; close-on-exec
  int start_fd = -1;   // CREATE only: reading a byte means START

  const spec::Process* process = nullptr;
  const spec::Linux* linux_ = nullptr;                 // the container's (seccomp, sysctl, masked paths...)
  const agent_proto::Create* create = nullptr;         // CREATE: build the container
  int join_pid = 0;                                    // EXEC: join this container process
  bool join_pid_namespace = false;                     // EXEC: and its PID namespace (a pod's container)
  std::filesystem::path staging;                       // CREATE: private per-container directory
  std::filesystem::path cgroup;                        // the container's cgroup (guest/cgroups.hpp): joined first
  const TagSource* tags = nullptr;
};

[[noreturn]] void run_child(const ChildPlan& plan) noexcept;

}  // namespace runz::guest
