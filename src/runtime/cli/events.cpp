// runz events [--stats] [--interval D] <container-id>: the zone's usage as runc's "stats" events, one JSON
// object per line: once with --stats, else every interval until the container stops, with an "oom" event
// (as runc's) whenever the OOM killer of the container's cgroup in the zone killed a process. What a
// single-container zone reports is its domain's: CPU time of all vCPUs, memory held and the most it may
// hold; a pod's further container reports its own cgroup's.
#include <cctype>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>

#include "common/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/errors.hpp"
#include "runtime/status.hpp"

namespace runz::runtime::cli {
namespace {

// Go durations as runc takes them: a number with ms, s, m or h ("5s", "500ms", "1m").
std::chrono::milliseconds parse_interval(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  const int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
  if (digits == 0 || digits > 9 || scale == 0 || std::stoll(text.substr(0, digits)) == 0) {
    throw UsageError("runz events: --interval " + runz::quoted(text) + ": not a duration (e.g. 5s, 500ms, 1m)");
  }
  return std::chrono::milliseconds(std::stoll(text.substr(0, digits)) * scale);
}

nlohmann::json stats_event(const std::string& id, const ZoneUsage& u) {
  return {{"type", "stats"},
          {"id", id},
          {"data",
           {{"cpu", {{"usage", {{"total", u.cpu_time_ns}}}}},
            {"memory", {{"usage", {{"usage", u.memory_bytes}, {"limit", u.memory_limit_bytes}}}}}}}};
}

}  // namespace

EventsCommand parse_events(const std::vector<std::string>& args) {
  auto options = verb_options("events", "<container-id>");
  options.add_options()
    ("stats", "print the container's usage once and exit")
    ("interval", "time between stats events", cxxopts::value<std::string>()->default_value("5s"));
  const auto result = parse_verb(options, args);
  EventsCommand command;
  command.id = single_id("events", result);
  command.stats = result["stats"].as<bool>();
  command.interval = parse_interval(result["interval"].as<std::string>());
  return command;
}

int run(const Runtime& rt, const EventsCommand& command, std::ostream& out) {
  // The first event must work (a wrong id is an error); after that, the container stopping or being
  // deleted between two events ends the stream.
  ZoneUsage usage = container_usage(rt, command.id);
  out << stats_event(command.id, usage).dump() << std::endl;
  if (command.stats) return 0;
  // OOM kills in the container's cgroup are looked for every second, as runc's come when they happen; an
  // "oom" event for each one since the last look.
  constexpr std::chrono::milliseconds kOomLook{1000};
  uint64_t oom_kills = usage.oom_kills;
  auto next_stats = std::chrono::steady_clock::now() + command.interval;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kOomLook, next_stats - now));
    try {
      usage = container_usage(rt, command.id);
    } catch (const ContainerNotRunning&) {
      return 0;
    } catch (const StatusError&) {
      return 0;
    } catch (const ContainerNotExist&) {
      return 0;
    }
    for (; oom_kills < usage.oom_kills; ++oom_kills) out << nlohmann::json{{"type", "oom"}, {"id", command.id}}.dump() << std::endl;
    if (std::chrono::steady_clock::now() >= next_stats) {
      out << stats_event(command.id, usage).dump() << std::endl;
      next_stats += command.interval;
    }
  }
}

}  // namespace runz::runtime::cli
