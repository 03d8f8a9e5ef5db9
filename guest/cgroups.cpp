#include "guest/cgroups.hpp"

#include "common/error.hpp"
#include "guest/kernel_file.hpp"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace runz::guest {

namespace {

constexpr uint64_t kMinShares = 2, kMaxShares = 262144;
constexpr uint64_t kDefaultCpuPeriod = 100000;  // the kernel's, and what runc writes when only a quota is given

// -1 is "no limit" in config.json; 0 means "not set" for these fields (runc leaves the file alone).
std::optional<std::string> limit_value(int64_t v) {
  if (v == 0) return std::nullopt;
  if (v < 0) return std::string("max");
  return std::to_string(v);
}

}  // namespace

uint64_t cpu_weight_from_shares(uint64_t shares) {
  shares = std::clamp(shares, kMinShares, kMaxShares);
  return 1 + ((shares - kMinShares) * 9999) / (kMaxShares - kMinShares);
}

std::vector<CgroupSetting> cgroup_settings(const spec::Resources& r) {
  std::vector<CgroupSetting> out;
  const auto set = [&](std::string file, std::optional<std::string> value) {
    if (value) out.push_back({std::move(file), std::move(*value)});
  };
  if (r.memory) {
    const spec::MemoryResources& m = *r.memory;
    if (m.limit) set("memory.max", limit_value(*m.limit));
    if (m.reservation) set("memory.low", limit_value(*m.reservation));
    // config.json's swap is memory+swap; cgroup v2's memory.swap.max is the swap alone.
    if (m.swap && *m.swap != 0) {
      if (*m.swap < 0) {
        set("memory.swap.max", std::string("max"));
      } else if (!m.limit || *m.limit <= 0) {
        throw Error("linux.resources.memory.swap " + std::to_string(*m.swap) + " needs a memory limit", EINVAL);
      } else if (*m.swap < *m.limit) {
        throw Error("linux.resources.memory.swap " + std::to_string(*m.swap) + " is below memory.limit " +
                        std::to_string(*m.limit) + " (it counts memory and swap together)",
                    EINVAL);
      } else {
        set("memory.swap.max", std::to_string(*m.swap - *m.limit));
      }
    }
  }
  if (r.cpu) {
    const spec::CpuResources& c = *r.cpu;
    if ((c.realtime_runtime && *c.realtime_runtime != 0) || (c.realtime_period && *c.realtime_period != 0))
      throw Error("linux.resources.cpu realtimeRuntime/realtimePeriod: cgroup v2 (the zone's) has no realtime "
                  "CPU controller",
                  EINVAL);
    if (c.shares && *c.shares != 0) set("cpu.weight", std::to_string(cpu_weight_from_shares(*c.shares)));
    const int64_t quota = c.quota.value_or(0);
    const uint64_t period = c.period.value_or(0);
    if (quota != 0 || period != 0)
      set("cpu.max", (quota > 0 ? std::to_string(quota) : std::string("max")) + " " +
                         std::to_string(period != 0 ? period : kDefaultCpuPeriod));
    if (c.idle) set("cpu.idle", std::to_string(*c.idle));
    if (c.cpus && !c.cpus->empty()) set("cpuset.cpus", *c.cpus);
    if (c.mems && !c.mems->empty()) set("cpuset.mems", *c.mems);
  }
  if (r.pids) set("pids.max", limit_value(r.pids->limit));
  return out;
}

ZoneCgroups ZoneCgroups::mount(const std::filesystem::path& root) {
  struct statfs fs {};
  if (::statfs(root.c_str(), &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
    if (::mkdir(root.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("mkdir " + runz::quoted(root.string()));
    if (::mount("cgroup2", root.c_str(), "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      throw_errno("mount cgroup2 on " + runz::quoted(root.string()));
  }
  std::ifstream controllers(root / "cgroup.controllers");
  std::string name;
  // One at a time: a controller the kernel will not enable here must not keep the others off.
  while (controllers >> name) {
    try {
      write_kernel_file(root / "cgroup.subtree_control", "+" + name);
    } catch (const Error&) {
    }
  }
  return ZoneCgroups(root);
}

std::filesystem::path ZoneCgroups::create(const std::string& container, const std::vector<CgroupSetting>& settings,
                                          std::vector<std::string>& refused) const {
  if (container.empty() || container.find('/') != std::string::npos || container == "." || container == "..")
    throw Error("container id " + runz::quoted(container) + " is not a plain name", EINVAL);
  const auto dir = root_ / container;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("mkdir " + runz::quoted(dir.string()));
  for (const CgroupSetting& s : settings) {
    try {
      write_kernel_file(dir / s.file, s.value);
    } catch (const Error& e) {
      refused.push_back(e.what());
    }
  }
  return dir;
}

void ZoneCgroups::update(const std::string& container, const std::vector<CgroupSetting>& settings) const {
  std::vector<std::string> refused;
  const auto dir = create(container, settings, refused);
  if (refused.empty()) return;
  std::string all;
  for (const auto& why : refused) all += (all.empty() ? "" : "; ") + why;
  throw Error("cgroup " + runz::quoted(dir.string()) + ": " + all, EINVAL);
}

bool ZoneCgroups::remove(const std::string& container) const noexcept {
  const auto dir = root_ / container;
  return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
}

}  // namespace runz::guest
