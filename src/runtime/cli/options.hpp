// cxxopts glue shared by the verb parsers.
#pragma once

#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace runz::runtime::cli {

// A wrong command line: argv, a flag's value, a file a flag names. Its kind is InvalidArgument, so the shim
// answers containerd with that code instead of a generic failure.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, ErrorKind::InvalidArgument) {}
};

// Options for `runz <verb>` with a positional list "args" (the container id and anything after it).
cxxopts::Options verb_options(const std::string& verb, const std::string& positional_help);

// Parses `args` (args[0] = the verb); cxxopts errors become UsageError ("runz create: ...").
cxxopts::ParseResult parse_verb(cxxopts::Options& options, const std::vector<std::string>& args);

// The positional arguments.
std::vector<std::string> positionals(const cxxopts::ParseResult& result);

// Exactly one positional: the container id ("runz start: requires exactly 1 argument (container id)").
std::string single_id(const std::string& verb, const cxxopts::ParseResult& result);

// Thrown by parsers for `--help`: carries the text to print.
struct HelpRequested {
  std::string text;
};

}  // namespace runz::runtime::cli
