// runz update [--resources FILE|-] [limit flags] <container-id>: new limits for the container's zone, as an
// OCI LinuxResources document (runc's flags build one; with --resources the flags are ignored, as in runc).
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {
namespace {

// runc's sizes (docker/go-units RAMInBytes): a number with an optional binary unit, b k m g t p, optionally
// followed by "b" ("512m", "1GB", "1048576"); -1 is "no limit".
int64_t parse_bytes(const std::string& flag, const std::string& text) {
  if (text == "-1") return -1;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() == 2 && unit[1] == 'b') unit.resize(1);
  static const std::string kUnits = "bkmgtp";
  const size_t shift = unit.empty() ? 0 : kUnits.find(unit);
  if (digits == 0 || unit.size() > 1 || shift == std::string::npos || digits > 18) {
    throw UsageError("runz update: --" + flag + " " + runz::quoted(text) + ": not a size (bytes, or a number with b, k, m, g, t, p)");
  }
  const uint64_t value = std::stoull(text.substr(0, digits));
  if (value > (uint64_t{1} << (62 - 10 * shift))) throw UsageError("runz update: --" + flag + " " + runz::quoted(text) + ": too large");
  return static_cast<int64_t>(value << (10 * shift));
}

}  // namespace

UpdateCommand parse_update(const std::vector<std::string>& args) {
  auto options = verb_options("update", "<container-id>");
  options.add_options()
    ("r,resources", "path to a LinuxResources JSON document, - for stdin", cxxopts::value<std::string>())
    ("memory", "memory limit (bytes, or with k m g), -1 for none", cxxopts::value<std::string>())
    ("memory-reservation", "memory reservation", cxxopts::value<std::string>())
    ("memory-swap", "memory plus swap limit", cxxopts::value<std::string>())
    ("cpu-shares", "relative CPU weight (1024 = default)", cxxopts::value<uint64_t>())
    ("cpu-quota", "CPU time per period in µs, -1 for none", cxxopts::value<int64_t>())
    ("cpu-period", "CPU period in µs", cxxopts::value<uint64_t>())
    ("cpuset-cpus", "CPUs to use (e.g. 0-3)", cxxopts::value<std::string>())
    ("cpuset-mems", "memory nodes to use", cxxopts::value<std::string>())
    ("pids-limit", "maximum number of processes", cxxopts::value<int64_t>());
  const auto result = parse_verb(options, args);
  UpdateCommand command;
  command.id = single_id("update", result);
  if (result.count("resources")) {
    command.resources_file = result["resources"].as<std::string>();
    return command;
  }
  nlohmann::json& r = command.resources;
  r = nlohmann::json::object();
  for (const char* flag : {"memory", "memory-reservation", "memory-swap"}) {
    if (!result.count(flag)) continue;
    const std::string key = flag == std::string("memory") ? "limit" : flag == std::string("memory-swap") ? "swap" : "reservation";
    r["memory"][key] = parse_bytes(flag, result[flag].as<std::string>());
  }
  if (result.count("cpu-shares")) r["cpu"]["shares"] = result["cpu-shares"].as<uint64_t>();
  if (result.count("cpu-quota")) r["cpu"]["quota"] = result["cpu-quota"].as<int64_t>();
  if (result.count("cpu-period")) r["cpu"]["period"] = result["cpu-period"].as<uint64_t>();
  if (result.count("cpuset-cpus")) r["cpu"]["cpus"] = result["cpuset-cpus"].as<std::string>();
  if (result.count("cpuset-mems")) r["cpu"]["mems"] = result["cpuset-mems"].as<std::string>();
  if (result.count("pids-limit")) r["pids"]["limit"] = result["pids-limit"].as<int64_t>();
  if (r.empty()) throw UsageError("runz update: nothing to update (give --resources or a limit flag, see --help)");
  return command;
}

int run(const Runtime& rt, const UpdateCommand& command, std::ostream&) {
  nlohmann::json resources = command.resources;
  if (command.resources_file) {
    const std::string& file = *command.resources_file;
    std::stringstream text;
    if (file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(file);
      if (!in) throw_errno("runz update: open --resources " + runz::quoted(file));
      text << in.rdbuf();
    }
    try {
      resources = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
      throw UsageError("runz update: --resources " + runz::quoted(file) + ": not JSON: " + e.what());
    }
  }
  update_container(rt, command.id, resources);
  return 0;
}

}  // namespace runz::runtime::cli
