// runz run [--detach] [--keep] [--bundle B] [--pid-file P] [--console-socket S] <container-id>
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

RunCommand parse_run(const std::vector<std::string>& args) {
  auto options = verb_options("run", "<container-id>");
  options.add_options()
    ("b,bundle", "path to the bundle directory", cxxopts::value<std::string>()->default_value("."))
    ("d,detach", "detach from the container's process")
    ("keep", "do not delete the container after it exits")
    ("pid-file", "file to write the monitor's pid to", cxxopts::value<std::string>())
    ("console-socket", "unix socket that receives the pty master", cxxopts::value<std::string>())
    ("no-pivot", "accepted for runc compatibility")
    ("no-new-keyring", "accepted for runc compatibility")
    ("no-subreaper", "accepted for runc compatibility")
    ("preserve-fds", "extra fds to pass (unsupported when > 0)", cxxopts::value<int>()->default_value("0"));
  const auto result = parse_verb(options, args);
  RunCommand command;
  command.options.create.id = single_id("run", result);
  command.options.create.bundle = result["bundle"].as<std::string>();
  if (result.count("pid-file")) command.options.create.pid_file = result["pid-file"].as<std::string>();
  if (result.count("console-socket")) {
    command.options.create.console_socket = result["console-socket"].as<std::string>();
  }
  command.options.create.preserve_fds = result["preserve-fds"].as<int>();
  command.options.detach = result["detach"].as<bool>();
  command.options.keep = result["keep"].as<bool>();
  return command;
}

int run(const Runtime& rt, const RunCommand& command, std::ostream&) { return run_container(rt, command.options); }

}  // namespace runz::runtime::cli
