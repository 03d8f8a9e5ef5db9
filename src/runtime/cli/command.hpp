// The parsed command line: global options plus one command struct per verb. Parsing (parse_argv) is kept
// apart from execution (execute) so the exact argv of containerd's runc shim and of Docker is testable.
#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/container_ops.hpp"
#include "runtime/log.hpp"

namespace runz::runtime::cli {

struct GlobalOptions {
  std::filesystem::path root = "/run/runz";
  std::optional<std::filesystem::path> log;
  LogFormat log_format = LogFormat::Text;
  bool debug = false;
  bool systemd_cgroup = false;  // accepted for Docker/containerd; zones have no host cgroup to name
  std::filesystem::path zone_dir = "/usr/lib/runz/zone";
};

struct CreateCommand { CreateOptions options; };
struct RunCommand { RunOptions options; };
struct StartCommand { std::string id; };
struct StateCommand { std::string id; };
struct KillCommand {
  std::string id;
  int signal = SIGTERM;
  bool all = false;
};
struct DeleteCommand {
  std::string id;
  bool force = false;
};
struct ListCommand {
  bool json = false;
  bool quiet = false;
};
struct SpecCommand {
  std::filesystem::path bundle = ".";
  bool rootless = false;
};
struct FeaturesCommand {};
struct PauseCommand { std::string id; };
struct ResumeCommand { std::string id; };
struct PsCommand {
  std::string id;
  bool json = false;
};
struct ExecCommand { ExecOptions options; };
// `update`: new limits, from --resources (a file or "-" for stdin) or from the flags (built into `resources`).
struct UpdateCommand {
  std::string id;
  std::optional<std::string> resources_file;
  nlohmann::json resources;
};
// `events`: the zone's usage as runc's stats events, once (--stats) or every `interval` until it stops.
struct EventsCommand {
  std::string id;
  bool stats = false;
  std::chrono::milliseconds interval{5000};
};
// checkpoint, restore: recognised, answered "not supported yet".
struct UnsupportedCommand { std::string verb; };
// --help, --version: text for stdout, exit 0.
struct PrintCommand { std::string text; };

using Command = std::variant<CreateCommand, RunCommand, StartCommand, StateCommand, KillCommand, DeleteCommand,
                             ListCommand, SpecCommand, FeaturesCommand, PauseCommand, ResumeCommand, PsCommand,
                             ExecCommand, UpdateCommand, EventsCommand, UnsupportedCommand, PrintCommand>;

struct Invocation {
  GlobalOptions global;
  Command command;
};

// argv[0] is the program name. Throws runz::Error for an unknown verb or a bad option.
Invocation parse_argv(const std::vector<std::string>& argv);
// Only the global options (those before the verb), so errors in the verb's options can still be logged
// to --log. Throws runz::Error for a bad global option.
GlobalOptions parse_global_options(const std::vector<std::string>& argv);

// Runs the command; what it prints goes to `out`. Returns the exit status.
int execute(const Invocation& invocation, ZoneFactory& factory, std::ostream& out);

// Per-verb parsers (cli/<verb>.cpp); `args` starts with the verb itself.
CreateCommand parse_create(const std::vector<std::string>& args);
RunCommand parse_run(const std::vector<std::string>& args);
StartCommand parse_start(const std::vector<std::string>& args);
StateCommand parse_state(const std::vector<std::string>& args);
KillCommand parse_kill(const std::vector<std::string>& args);
DeleteCommand parse_delete(const std::vector<std::string>& args);
ListCommand parse_list(const std::vector<std::string>& args);
SpecCommand parse_spec(const std::vector<std::string>& args);
PauseCommand parse_pause(const std::vector<std::string>& args);
ResumeCommand parse_resume(const std::vector<std::string>& args);
PsCommand parse_ps(const std::vector<std::string>& args);
ExecCommand parse_exec(const std::vector<std::string>& args);
UpdateCommand parse_update(const std::vector<std::string>& args);
EventsCommand parse_events(const std::vector<std::string>& args);

// Per-verb execution.
int run(const Runtime& rt, const CreateCommand& command, std::ostream& out);
int run(const Runtime& rt, const RunCommand& command, std::ostream& out);
int run(const Runtime& rt, const StartCommand& command, std::ostream& out);
int run(const Runtime& rt, const StateCommand& command, std::ostream& out);
int run(const Runtime& rt, const KillCommand& command, std::ostream& out);
int run(const Runtime& rt, const DeleteCommand& command, std::ostream& out);
int run(const Runtime& rt, const ListCommand& command, std::ostream& out);
int run(const Runtime& rt, const SpecCommand& command, std::ostream& out);
int run(const Runtime& rt, const FeaturesCommand& command, std::ostream& out);
int run(const Runtime& rt, const PauseCommand& command, std::ostream& out);
int run(const Runtime& rt, const ResumeCommand& command, std::ostream& out);
int run(const Runtime& rt, const PsCommand& command, std::ostream& out);
int run(const Runtime& rt, const ExecCommand& command, std::ostream& out);
int run(const Runtime& rt, const UpdateCommand& command, std::ostream& out);
int run(const Runtime& rt, const EventsCommand& command, std::ostream& out);
int run(const Runtime& rt, const UnsupportedCommand& command, std::ostream& out);
int run(const Runtime& rt, const PrintCommand& command, std::ostream& out);

}  // namespace runz::runtime::cli
