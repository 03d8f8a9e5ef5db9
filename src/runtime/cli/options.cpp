#include "runtime/cli/options.hpp"

#include "common/error.hpp"

namespace runz::runtime::cli {

cxxopts::Options verb_options(const std::string& verb, const std::string& positional_help) {
  cxxopts::Options options("runz " + verb);
  options.positional_help(positional_help);
  options.add_options()("h,help", "show help")("args", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});
  return options;
}

cxxopts::ParseResult parse_verb(cxxopts::Options& options, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  cxxopts::ParseResult result;
  try {
    result = options.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(options.program() + ": " + e.what());
  }
  if (result.count("help")) throw HelpRequested{options.help({""})};
  return result;
}

std::vector<std::string> positionals(const cxxopts::ParseResult& result) {
  if (!result.count("args")) return {};
  return result["args"].as<std::vector<std::string>>();
}

std::string single_id(const std::string& verb, const cxxopts::ParseResult& result) {
  const auto args = positionals(result);
  if (args.size() != 1) {
    throw UsageError("runz " + verb + ": requires exactly 1 argument (container id), got " + std::to_string(args.size()));
  }
  return args[0];
}

}  // namespace runz::runtime::cli
