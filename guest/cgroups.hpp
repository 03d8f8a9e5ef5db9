// Each container's cgroup v2 group in the zone. The zone kernel is the container's, so its linux.resources
// apply here as runc applies them on a host: memory, CPU and pids limits per container, so that in a pod
// the container that passes its memory limit is OOM-killed alone, and a container with a cgroup namespace
// sees its own limits at /sys/fs/cgroup (memory.max, cpu.max, ...) as under runc.
#pragma once

#include "agent-proto/messages.hpp"
#include "spec/config.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

struct CgroupSetting {
  std::string file;   // e.g. "memory.max"
  std::string value;  // what is written there

  bool operator==(const CgroupSetting&) const = default;
};

// linux.resources as cgroup v2 files, with runc's conversions (cpu.shares to cpu.weight, memory.swap as
// memory+swap to memory.swap.max). Throws Error (EINVAL) for a value cgroup v2 cannot express, naming it.
std::vector<CgroupSetting> cgroup_settings(const spec::Resources& resources);

// OCI cpu.shares (2..262144) as cgroup v2 cpu.weight (1..10000): runc's and crun's linear map.
uint64_t cpu_weight_from_shares(uint64_t shares);

// What a group uses, from its memory.current, memory.max and cpu.stat (pure); a file that is missing
// (empty) or does not parse counts 0.
agent_proto::CgroupUsage cgroup_usage_from(std::string_view memory_current, std::string_view memory_max,
                                           std::string_view cpu_stat, std::string_view memory_events);
// Whether cgroup.events says "frozen 1" (want true) or "frozen 0" (want false).
bool cgroup_events_frozen(std::string_view cgroup_events, bool want);

class ZoneCgroups {
 public:
  // The zone's cgroup2 hierarchy at `root` (mounted there when it is not yet), with every controller the
  // kernel offers enabled for child groups. Throws when it cannot be mounted.
  static ZoneCgroups mount(const std::filesystem::path& root);

  // root/<container>, made, with `settings` written. A setting the kernel refuses (a controller it lacks,
  // CPUs the zone does not have) is skipped: its error goes into `refused` for the caller to log.
  std::filesystem::path create(const std::string& container, const std::vector<CgroupSetting>& settings,
                               std::vector<std::string>& refused) const;
  // cgroup.freeze of root/<container>, then waits (up to 2 s) until cgroup.events says it took: a pod's
  // container is paused alone. Throws when the group does not settle.
  void freeze(const std::string& container, bool frozen) const;
  agent_proto::CgroupUsage usage(const std::string& container) const;
  // Removes root/<container>: true once it is gone, false while processes are still in it (EBUSY).
  bool remove(const std::string& container) const noexcept;

 private:
  explicit ZoneCgroups(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace runz::guest
