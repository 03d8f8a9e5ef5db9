// runz create [--bundle B] [--pid-file P] [--console-socket S] [--no-pivot] [--no-new-keyring]
//             [--preserve-fds N] <container-id>
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

CreateCommand parse_create(const std::vector<std::string>& args) {
  auto options = verb_options("create", "<container-id>");
  options.add_options()
    ("b,bundle", "path to the bundle directory", cxxopts::value<std::string>()->default_value("."))
    ("pid-file", "file to write the monitor's pid to", cxxopts::value<std::string>())
    ("console-socket", "unix socket that receives the pty master", cxxopts::value<std::string>())
    ("no-pivot", "accepted for runc compatibility (a zone has its own root)")
    ("no-new-keyring", "accepted for runc compatibility (a zone has its own kernel keyrings)")
    ("preserve-fds", "extra fds to pass (unsupported when > 0)", cxxopts::value<int>()->default_value("0"));
  const auto result = parse_verb(options, args);
  CreateCommand command;
  command.options.id = single_id("create", result);
  command.options.bundle = result["bundle"].as<std::string>();
  if (result.count("pid-file")) command.options.pid_file = result["pid-file"].as<std::string>();
  if (result.count("console-socket")) command.options.console_socket = result["console-socket"].as<std::string>();
  command.options.preserve_fds = result["preserve-fds"].as<int>();
  return command;
}

int run(const Runtime& rt, const CreateCommand& command, std::ostream&) {
  create_container(rt, command.options);
  return 0;
}

}  // namespace runz::runtime::cli
