#include "guest/cgroups.hpp"

#include "common/error.hpp"
#include "guest/kernel_file.hpp"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iterator>
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

namespace {

uint64_t parse_u64(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && ptr == text.data() + text.size() ? v : 0;
}

// The value after "<key> " on its own line of a flat-keyed cgroup file (cpu.stat, cgroup.events).
std::string_view keyed(std::string_view file, std::string_view key) {
  size_t pos = 0;
  while (pos < file.size()) {
    const size_t end = std::min(file.find('\n', pos), file.size());
    const std::string_view line = file.substr(pos, end - pos);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ') return line.substr(key.size() + 1);
    pos = end + 1;
  }
  return {};
}

std::string read_cgroup_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

agent_proto::CgroupUsage cgroup_usage_from(std::string_view memory_current, std::string_view memory_max,
                                           std::string_view cpu_stat, std::string_view memory_events) {
  agent_proto::CgroupUsage u;
  u.memory_bytes = parse_u64(memory_current);
  u.memory_limit_bytes = parse_u64(memory_max);  // "max": 0
  u.cpu_ns = parse_u64(keyed(cpu_stat, "usage_usec")) * 1000;
  u.oom_kills = parse_u64(keyed(memory_events, "oom_kill"));
  return u;
}

bool cgroup_events_frozen(std::string_view cgroup_events, bool want) {
  return keyed(cgroup_events, "frozen") == (want ? "1" : "0");
}

void ZoneCgroups::freeze(const std::string& container, bool frozen) const {
  std::vector<std::string> refused;
  const auto dir = create(container, {}, refused);
  write_kernel_file(dir / "cgroup.freeze", frozen ? "1" : "0");
  for (int i = 0; i < 200; ++i) {
    if (cgroup_events_frozen(read_cgroup_file(dir / "cgroup.events"), frozen)) return;
    ::usleep(10'000);
  }
  throw Error("cgroup " + runz::quoted(dir.string()) + " did not become " + (frozen ? "frozen" : "thawed") + " within 2 s",
              ETIMEDOUT);
}

agent_proto::CgroupUsage ZoneCgroups::usage(const std::string& container) const {
  const auto dir = root_ / container;
  return cgroup_usage_from(read_cgroup_file(dir / "memory.current"), read_cgroup_file(dir / "memory.max"),
                           read_cgroup_file(dir / "cpu.stat"), read_cgroup_file(dir / "memory.events"));
}

bool ZoneCgroups::remove(const std::string& container) const noexcept {
  const auto dir = root_ / container;
  return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
}

}  // namespace runz::guest
