// config.json `linux.resources`: cgroup limits, applied inside the zone (and used to size it).
#include "spec/sections.hpp"

#include "common/error.hpp"

#include <cctype>

namespace runz::spec::detail {

namespace {

constexpr uint64_t kMaxSwappiness = 100;
constexpr int64_t kMinCpuQuotaUs = 1000;
constexpr uint64_t kMinCpuPeriodUs = 1000;
constexpr uint64_t kMaxCpuPeriodUs = 1000000;

// Memory values are bytes, with -1 meaning unlimited.
std::optional<int64_t> read_bytes_or_unlimited(const Node& node) {
  auto v = node.opt_i64();
  if (v && *v < -1) node.fail("must be -1 (unlimited) or a non-negative number of bytes");
  return v;
}

std::optional<MemoryResources> read_memory(const Node& node) {
  if (node.absent()) return std::nullopt;
  node.require_object();
  MemoryResources m;
  m.limit = read_bytes_or_unlimited(node["limit"]);
  m.reservation = read_bytes_or_unlimited(node["reservation"]);
  m.swap = read_bytes_or_unlimited(node["swap"]);
  m.kernel = read_bytes_or_unlimited(node["kernel"]);
  m.kernel_tcp = read_bytes_or_unlimited(node["kernelTCP"]);
  m.swappiness = node["swappiness"].opt_u64();
  if (m.swappiness && *m.swappiness > kMaxSwappiness) node["swappiness"].fail("must be between 0 and 100");
  m.disable_oom_killer = node["disableOOMKiller"].opt_bool();
  // swap is memory+swap (runc): it can't be below the memory limit.
  if (m.limit && m.swap && *m.limit > 0 && *m.swap > 0 && *m.swap < *m.limit) {
    node["swap"].fail("must not be less than the memory limit (it is memory+swap)");
  }
  return m;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "0-3,5,7-8": comma-separated numbers or ranges (no std::regex: it recurses per character).
bool is_cpu_list(std::string_view list) {
  size_t i = 0;
  auto number = [&] {
    size_t start = i;
    while (i < list.size() && is_digit(list[i])) ++i;
    return i > start;
  };
  while (true) {
    if (!number()) return false;
    if (i < list.size() && list[i] == '-') {
      ++i;
      if (!number()) return false;
    }
    if (i == list.size()) return true;
    if (list[i++] != ',') return false;
  }
}

// "2MB", "1GB", "64KB": a number without leading zero, then KB/MB/GB.
bool is_page_size(std::string_view size) {
  if (size.size() < 3 || !size.ends_with('B')) return false;
  char unit = size[size.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G') return false;
  std::string_view digits = size.substr(0, size.size() - 2);
  if (digits.front() == '0') return false;
  for (char c : digits) {
    if (!is_digit(c)) return false;
  }
  return true;
}

std::optional<CpuResources> read_cpu(const Node& node) {
  if (node.absent()) return std::nullopt;
  node.require_object();
  CpuResources c;
  c.shares = node["shares"].opt_u64();
  c.quota = node["quota"].opt_i64();
  if (c.quota && *c.quota != -1 && *c.quota != 0 && *c.quota < kMinCpuQuotaUs) {
    node["quota"].fail("must be -1 (unlimited), 0 (unset) or at least 1000 microseconds");
  }
  c.period = node["period"].opt_u64();
  if (c.period && *c.period != 0 && (*c.period < kMinCpuPeriodUs || *c.period > kMaxCpuPeriodUs)) {
    node["period"].fail("must be 0 (unset) or between 1000 and 1000000 microseconds");
  }
  c.realtime_runtime = node["realtimeRuntime"].opt_i64();
  c.realtime_period = node["realtimePeriod"].opt_u64();
  c.cpus = node["cpus"].opt_str();
  if (c.cpus && !c.cpus->empty() && !is_cpu_list(*c.cpus)) node["cpus"].fail("must be a CPU list like `0-3,5`");
  c.mems = node["mems"].opt_str();
  if (c.mems && !c.mems->empty() && !is_cpu_list(*c.mems)) node["mems"].fail("must be a node list like `0-1`");
  c.idle = node["idle"].opt_i64();
  if (c.idle && *c.idle != 0 && *c.idle != 1) node["idle"].fail("must be 0 or 1");
  return c;
}

std::vector<DeviceCgroupRule> read_device_rules(const Node& node) {
  std::vector<DeviceCgroupRule> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    DeviceCgroupRule r;
    if (item["allow"].absent()) item["allow"].fail("is required");
    r.allow = item["allow"].boolean();
    r.type = item["type"].str_or("");
    if (r.type != "" && r.type != "a" && r.type != "c" && r.type != "b") {
      item["type"].fail("must be one of `a`, `c`, `b`");
    }
    r.major = item["major"].opt_i64();
    r.minor = item["minor"].opt_i64();
    r.access = item["access"].str_or("");
    if (r.access.find_first_not_of("rwm") != std::string::npos) item["access"].fail("must be a subset of `rwm`");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<HugepageLimit> read_hugepages(const Node& node) {
  std::vector<HugepageLimit> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    HugepageLimit h;
    if (item["pageSize"].absent()) item["pageSize"].fail("is required");
    h.page_size = item["pageSize"].str();
    if (!is_page_size(h.page_size)) {
      item["pageSize"].fail("must be a size like `2MB`, `1GB` or `64KB`, got " + runz::quoted(h.page_size));
    }
    if (item["limit"].absent()) item["limit"].fail("is required");
    h.limit = item["limit"].u64();
    out.push_back(std::move(h));
  }
  return out;
}

template <class T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

}  // namespace

Resources read_resources(const Node& node) {
  node.require_object();
  Resources r;
  r.devices = read_device_rules(node["devices"]);
  r.memory = read_memory(node["memory"]);
  r.cpu = read_cpu(node["cpu"]);
  if (!node["pids"].absent()) {
    Node pids = node["pids"];
    pids.require_object();
    if (pids["limit"].absent()) pids["limit"].fail("is required");
    r.pids = PidsResources{pids["limit"].i64()};
    if (r.pids->limit < -1) pids["limit"].fail("must be -1 (unlimited) or a non-negative number of tasks");
  }
  r.hugepage_limits = read_hugepages(node["hugepageLimits"]);
  return r;
}

nlohmann::json write_resources(const Resources& r) {
  nlohmann::json j = nlohmann::json::object();
  if (!r.devices.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : r.devices) {
      nlohmann::json item = {{"allow", d.allow}};
      if (!d.type.empty()) item["type"] = d.type;
      put(item, "major", d.major);
      put(item, "minor", d.minor);
      if (!d.access.empty()) item["access"] = d.access;
      list.push_back(std::move(item));
    }
    j["devices"] = std::move(list);
  }
  if (r.memory) {
    nlohmann::json m = nlohmann::json::object();
    put(m, "limit", r.memory->limit);
    put(m, "reservation", r.memory->reservation);
    put(m, "swap", r.memory->swap);
    put(m, "kernel", r.memory->kernel);
    put(m, "kernelTCP", r.memory->kernel_tcp);
    put(m, "swappiness", r.memory->swappiness);
    put(m, "disableOOMKiller", r.memory->disable_oom_killer);
    j["memory"] = std::move(m);
  }
  if (r.cpu) {
    nlohmann::json c = nlohmann::json::object();
    put(c, "shares", r.cpu->shares);
    put(c, "quota", r.cpu->quota);
    put(c, "period", r.cpu->period);
    put(c, "realtimeRuntime", r.cpu->realtime_runtime);
    put(c, "realtimePeriod", r.cpu->realtime_period);
    put(c, "cpus", r.cpu->cpus);
    put(c, "mems", r.cpu->mems);
    put(c, "idle", r.cpu->idle);
    j["cpu"] = std::move(c);
  }
  if (r.pids) j["pids"] = {{"limit", r.pids->limit}};
  if (!r.hugepage_limits.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& h : r.hugepage_limits) list.push_back({{"pageSize", h.page_size}, {"limit", h.limit}});
    j["hugepageLimits"] = std::move(list);
  }
  return j;
}

}  // namespace runz::spec::detail

namespace runz::spec {

Resources parse_resources(const nlohmann::json& resources) {
  return detail::read_resources(detail::Node(resources, "resources", "resources"));
}

nlohmann::json to_json(const Resources& resources) { return detail::write_resources(resources); }

}  // namespace runz::spec
