// runz start <container-id>
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

StartCommand parse_start(const std::vector<std::string>& args) {
  auto options = verb_options("start", "<container-id>");
  return StartCommand{single_id("start", parse_verb(options, args))};
}

int run(const Runtime& rt, const StartCommand& command, std::ostream&) {
  start_container(rt, command.id);
  return 0;
}

}  // namespace runz::runtime::cli
