// runz kill [--all] <container-id> [signal]   (signal by name or number, default SIGTERM)
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "spec/names.hpp"

namespace runz::runtime::cli {

KillCommand parse_kill(const std::vector<std::string>& args) {
  auto options = verb_options("kill", "<container-id> [signal]");
  options.add_options()("a,all", "send the signal to all processes in the container");
  const auto result = parse_verb(options, args);
  const auto rest = positionals(result);
  if (rest.empty() || rest.size() > 2) {
    throw UsageError("runz kill: requires 1 or 2 arguments (container id, signal), got " + std::to_string(rest.size()));
  }
  KillCommand command;
  command.id = rest[0];
  if (rest.size() == 2) command.signal = spec::parse_signal(rest[1]);
  command.all = result["all"].as<bool>();
  return command;
}

int run(const Runtime& rt, const KillCommand& command, std::ostream&) {
  kill_container(rt, command.id, command.signal, command.all);
  return 0;
}

}  // namespace runz::runtime::cli
