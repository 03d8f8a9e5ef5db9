// Helper processes a zone runs on the host (the 9pfs backend), identified by pid + start time (field 22 of
// /proc/<pid>/stat) so that a recycled pid is never mistaken for ours.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "zone/zone.hpp"

namespace runz::xen {

// Start time of `pid`; nullopt if there is no such process (or it is a zombie).
std::optional<uint64_t> process_start_time(pid_t pid);

// A child we spawned: terminated (SIGTERM, then SIGKILL after `kStopGrace`) and reaped in the destructor.
class ChildProcess {
 public:
  static constexpr std::chrono::milliseconds kStopGrace{2000};

  // posix_spawn of argv[0] with stdin from /dev/null and stdout+stderr appended to `log` (created 0640). The
  // child gets `env` as its whole environment; nullopt passes ours on.
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
                            const std::optional<std::vector<std::string>>& env = std::nullopt);

  ChildProcess() noexcept = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  zone::HostProcess identity() const noexcept { return identity_; }
  bool running() const noexcept { return identity_.pid > 0; }
  // Exit status if it has exited (reaps it), without waiting.
  std::optional<int> poll_exit();
  // SIGTERM, wait up to kStopGrace, then SIGKILL; reaps. Logs failures.
  void stop() noexcept;

 private:
  zone::HostProcess identity_;
};

// Kills a recorded helper of a dead monitor: SIGKILL only if the pid still has the recorded start time.
void kill_recorded(const zone::HostProcess& process) noexcept;

}  // namespace runz::xen
