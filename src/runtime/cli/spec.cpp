// runz spec [--bundle B] [--rootless]: writes a default config.json.
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

SpecCommand parse_spec(const std::vector<std::string>& args) {
  auto options = verb_options("spec", "");
  options.add_options()
    ("b,bundle", "path to the bundle directory", cxxopts::value<std::string>()->default_value("."))
    ("rootless", "a spec for a rootless container");
  const auto result = parse_verb(options, args);
  if (!positionals(result).empty()) throw UsageError("runz spec: takes no arguments");
  return SpecCommand{result["bundle"].as<std::string>(), result["rootless"].as<bool>()};
}

int run(const Runtime&, const SpecCommand& command, std::ostream&) {
  write_default_spec(command.bundle, command.rootless);
  return 0;
}

}  // namespace runz::runtime::cli
