#include "shim-v2/zone_stats.hpp"

#include <cerrno>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace runz::shim {
namespace {

std::uint64_t counter(const nlohmann::json& data, const nlohmann::json::json_pointer& at, std::string_view line) {
  if (!data.contains(at) || !data.at(at).is_number_unsigned())
    throw Error("runz events --stats: no unsigned number at data" + at.to_string() + " in " +
                    runz::quoted(std::string(line.substr(0, 200))),
                EINVAL);
  return data.at(at).get<std::uint64_t>();
}

}  // namespace

ZoneUsage parse_stats_event(std::string_view line) {
  const auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object() || event.value("type", "") != "stats" || !event.contains("data") || !event["data"].is_object())
    throw Error("runz events --stats: not a stats event: " + runz::quoted(std::string(line.substr(0, 200))), EINVAL);
  const auto& data = event["data"];
  using P = nlohmann::json::json_pointer;
  return ZoneUsage{counter(data, P("/cpu/usage/total"), line), counter(data, P("/memory/usage/usage"), line),
                   counter(data, P("/memory/usage/limit"), line)};
}

ZoneUsage read_zone_usage(const RuntimeConfig& config, const std::string& id) {
  const RunResult result = run_runtime(config, {"events", "--stats", id});
  const auto end = result.out.find('\n');
  return parse_stats_event(std::string_view(result.out).substr(0, end));
}

cgroup2::Metrics to_cgroup2_metrics(const ZoneUsage& usage) {
  cgroup2::Metrics metrics;
  metrics.mutable_cpu()->set_usage_usec(usage.cpu_time_ns / 1000);
  metrics.mutable_memory()->set_usage(usage.memory_bytes);
  metrics.mutable_memory()->set_usage_limit(usage.memory_limit_bytes);
  return metrics;
}

}  // namespace runz::shim
