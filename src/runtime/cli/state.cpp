// runz state <container-id>: the runtime-spec state, pretty-printed like runc.
#include <nlohmann/json.hpp>
#include <ostream>

#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

StateCommand parse_state(const std::vector<std::string>& args) {
  auto options = verb_options("state", "<container-id>");
  return StateCommand{single_id("state", parse_verb(options, args))};
}

int run(const Runtime& rt, const StateCommand& command, std::ostream& out) {
  out << spec::to_json(container_state(rt, command.id)).dump(2) << '\n';
  return 0;
}

}  // namespace runz::runtime::cli
