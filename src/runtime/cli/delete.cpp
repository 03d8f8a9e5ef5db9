// runz delete [--force] <container-id>
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

DeleteCommand parse_delete(const std::vector<std::string>& args) {
  auto options = verb_options("delete", "<container-id>");
  options.add_options()("f,force", "delete the container even if it is running (SIGKILL)");
  const auto result = parse_verb(options, args);
  return DeleteCommand{single_id("delete", result), result["force"].as<bool>()};
}

int run(const Runtime& rt, const DeleteCommand& command, std::ostream&) {
  delete_container(rt, command.id, command.force);
  return 0;
}

}  // namespace runz::runtime::cli
