// runz ps [--format table|json] <container-id>: the host processes of the container. A zone's processes
// live in its own kernel, so the host side is the monitor.
#include <nlohmann/json.hpp>
#include <ostream>

#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

PsCommand parse_ps(const std::vector<std::string>& args) {
  auto options = verb_options("ps", "<container-id> [ps options]");
  options.add_options()("f,format", "table or json", cxxopts::value<std::string>()->default_value("table"));
  const auto result = parse_verb(options, args);
  const auto rest = positionals(result);
  if (rest.empty()) throw UsageError("runz ps: requires a container id");
  const std::string format = result["format"].as<std::string>();
  if (format != "table" && format != "json") throw UsageError("runz ps: invalid format option " + runz::quoted(format));
  return PsCommand{rest[0], format == "json"};
}

int run(const Runtime& rt, const PsCommand& command, std::ostream& out) {
  const spec::State state = container_state(rt, command.id);
  std::vector<int> pids;
  if (state.pid > 0) pids.push_back(state.pid);
  if (command.json) {
    out << nlohmann::json(pids).dump() << '\n';
  } else {
    out << "PID\n";
    for (int pid : pids) out << pid << '\n';
  }
  return 0;
}

}  // namespace runz::runtime::cli
