// Global options (before the verb, runc style) and dispatch to the verbs.
#include <algorithm>
#include <array>
#include <ostream>
#include <string_view>

#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "spec/config.hpp"

namespace runz::runtime::cli {
namespace {

// runc's global options that take a value, so the verb is found without misreading a value as one.
constexpr std::array<std::string_view, 6> kGlobalsWithValue{"--root", "--log", "--log-format", "--zone-dir",
                                                            "--criu", "--rootless"};

std::string version_text() {
  return "runz version " RUNZ_VERSION "\nspec: " + std::string(spec::kOciVersion) + "\n";
}

cxxopts::Options global_options() {
  cxxopts::Options options("runz", "runz: an OCI runtime that runs each container in its own Xen zone");
  options.custom_help("[global options] <command> [command options]");
  options.add_options()
    ("root", "state directory", cxxopts::value<std::string>()->default_value("/run/runz"))
    ("log", "append log lines to this file", cxxopts::value<std::string>())
    ("log-format", "text or json", cxxopts::value<std::string>()->default_value("text"))
    ("debug", "log debug lines")
    ("systemd-cgroup", "accepted for compatibility; ignored (zones have no host cgroup)")
    ("zone-dir", "zone kernel and initrd directory", cxxopts::value<std::string>()->default_value("/usr/lib/runz/zone"))
    ("criu", "accepted for compatibility; ignored", cxxopts::value<std::string>())
    ("rootless", "accepted for compatibility; ignored", cxxopts::value<std::string>())
    ("v,version", "print the version")
    ("h,help", "show help");
  return options;
}

std::string usage(cxxopts::Options& options) {
  return options.help() +
         "\nCommands:\n  create, start, run, state, kill, delete, list, spec, features, pause, resume, ps, exec,\n"
         "  update, events\n";
}

GlobalOptions read_globals(const cxxopts::ParseResult& result) {
  GlobalOptions global;
  global.root = result["root"].as<std::string>();
  if (result.count("log")) global.log = result["log"].as<std::string>();
  const std::string format = result["log-format"].as<std::string>();
  if (format == "json") {
    global.log_format = LogFormat::Json;
  } else if (format != "text") {
    throw UsageError("runz: invalid log-format " + runz::quoted(format) + " (text or json)");
  }
  global.debug = result["debug"].as<bool>();
  global.systemd_cgroup = result["systemd-cgroup"].as<bool>();
  global.zone_dir = result["zone-dir"].as<std::string>();
  return global;
}

Command parse_verb_command(const std::string& verb, const std::vector<std::string>& args) {
  if (verb == "create") return parse_create(args);
  if (verb == "run") return parse_run(args);
  if (verb == "start") return parse_start(args);
  if (verb == "state") return parse_state(args);
  if (verb == "kill") return parse_kill(args);
  if (verb == "delete") return parse_delete(args);
  if (verb == "list") return parse_list(args);
  if (verb == "spec") return parse_spec(args);
  if (verb == "features") return FeaturesCommand{};
  if (verb == "pause") return parse_pause(args);
  if (verb == "resume") return parse_resume(args);
  if (verb == "ps") return parse_ps(args);
  if (verb == "exec") return parse_exec(args);
  if (verb == "update") return parse_update(args);
  if (verb == "events") return parse_events(args);
  if (verb == "checkpoint" || verb == "restore") {
    return UnsupportedCommand{verb};
  }
  throw UsageError("runz: unknown command " + runz::quoted(verb) + " (see runz --help)");
}

}  // namespace

namespace {

std::size_t find_verb(const std::vector<std::string>& argv) {
  std::size_t verb_at = 1;
  while (verb_at < argv.size()) {
    const std::string& arg = argv[verb_at];
    if (arg.empty() || arg[0] != '-') break;
    const bool takes_value = arg.find('=') == std::string::npos &&
                             std::find(kGlobalsWithValue.begin(), kGlobalsWithValue.end(), arg) != kGlobalsWithValue.end();
    verb_at += takes_value ? 2 : 1;
  }
  return std::min(verb_at, argv.size());
}

cxxopts::ParseResult parse_globals(cxxopts::Options& options, const std::vector<std::string>& argv,
                                   std::size_t verb_at) {
  std::vector<const char*> global_argv;
  for (std::size_t i = 0; i < verb_at; ++i) global_argv.push_back(argv[i].c_str());
  try {
    return options.parse(static_cast<int>(global_argv.size()), global_argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string("runz: ") + e.what());
  }
}

}  // namespace

GlobalOptions parse_global_options(const std::vector<std::string>& argv) {
  auto options = global_options();
  return read_globals(parse_globals(options, argv, find_verb(argv)));
}

Invocation parse_argv(const std::vector<std::string>& argv) {
  const std::size_t verb_at = find_verb(argv);
  auto options = global_options();
  const cxxopts::ParseResult result = parse_globals(options, argv, verb_at);
  Invocation invocation{read_globals(result), PrintCommand{}};
  if (result.count("version")) {
    invocation.command = PrintCommand{version_text()};
  } else if (result.count("help") || verb_at == argv.size()) {
    invocation.command = PrintCommand{usage(options)};
  } else {
    const std::vector<std::string> args(argv.begin() + static_cast<std::ptrdiff_t>(verb_at), argv.end());
    try {
      invocation.command = parse_verb_command(args[0], args);
    } catch (const HelpRequested& help) {
      invocation.command = PrintCommand{help.text};
    }
  }
  return invocation;
}

int run(const Runtime&, const UnsupportedCommand& command, std::ostream&) {
  throw Error("runz " + command.verb + ": not supported yet", ErrorKind::Unimplemented);
}

int run(const Runtime&, const PrintCommand& command, std::ostream& out) {
  out << command.text;
  return 0;
}

int execute(const Invocation& invocation, ZoneFactory& factory, std::ostream& out) {
  const GlobalOptions& global = invocation.global;
  const Runtime rt{StateStore(global.root), factory, Logger(global.log, global.log_format, global.debug),
                   global.zone_dir};
  return std::visit([&](const auto& command) { return run(rt, command, out); }, invocation.command);
}

}  // namespace runz::runtime::cli
