// runz exec [--process P | --cwd D --env K=V --user U[:G] --additional-gids G --tty --no-new-privs]
//           [--detach] [--pid-file P] [--console-socket S] [--preserve-fds N] <container-id> <command> [args]
#include <algorithm>
#include <array>
#include <string_view>

#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {
namespace {

// Options that take a value as the next argument: needed to find where the container id starts, since
// everything after it is the command (whose own options must not be read as ours).
constexpr std::array<std::string_view, 16> kWithValue{
    "--console-socket", "--cwd", "--env", "-e", "--user", "-u", "--additional-gids", "-g", "--process", "-p",
    "--pid-file", "--process-label", "--apparmor", "--cap", "-c", "--preserve-fds"};

std::size_t find_id(const std::vector<std::string>& args) {
  std::size_t i = 1;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg == "--") return i + 1;
    if (arg.empty() || arg[0] != '-') return i;
    const bool takes_value = arg.find('=') == std::string::npos &&
                             std::find(kWithValue.begin(), kWithValue.end(), arg) != kWithValue.end();
    i += takes_value ? 2 : 1;
  }
  return i;
}

}  // namespace

ExecCommand parse_exec(const std::vector<std::string>& args) {
  auto options = verb_options("exec", "<container-id> <command> [args...]");
  options.add_options()
    ("p,process", "path to a process.json (instead of a command line)", cxxopts::value<std::string>())
    ("cwd", "working directory in the container", cxxopts::value<std::string>())
    ("e,env", "add an environment variable", cxxopts::value<std::vector<std::string>>())
    ("u,user", "uid[:gid]", cxxopts::value<std::string>())
    ("g,additional-gids", "additional gid", cxxopts::value<std::vector<uint32_t>>())
    ("t,tty", "allocate a pseudo-TTY (needs --console-socket)")
    ("d,detach", "detach from the process")
    ("pid-file", "file to write the process's host pid to", cxxopts::value<std::string>())
    ("console-socket", "unix socket that receives the pty master", cxxopts::value<std::string>())
    ("no-new-privs", "set no_new_privileges")
    ("preserve-fds", "extra fds to pass (unsupported when > 0)", cxxopts::value<int>()->default_value("0"))
    ("process-label", "accepted for runc compatibility; ignored", cxxopts::value<std::string>())
    ("apparmor", "accepted for runc compatibility; ignored", cxxopts::value<std::string>())
    ("c,cap", "not supported: put capabilities in --process", cxxopts::value<std::vector<std::string>>())
    ("cgroup", "accepted for runc compatibility; ignored", cxxopts::value<std::string>())
    ("ignore-paused", "accepted for runc compatibility");
  const std::size_t id_at = find_id(args);
  std::vector<std::string> ours(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(std::min(id_at + 1, args.size())));
  ours.erase(std::remove(ours.begin() + 1, ours.end(), "--"), ours.end());
  const auto result = parse_verb(options, ours);
  ExecCommand command;
  command.options.id = single_id("exec", result);
  if (id_at + 1 < args.size()) command.options.args.assign(args.begin() + static_cast<std::ptrdiff_t>(id_at + 1), args.end());
  if (result.count("process")) command.options.process_file = result["process"].as<std::string>();
  if (result.count("cwd")) command.options.cwd = result["cwd"].as<std::string>();
  if (result.count("env")) command.options.env = result["env"].as<std::vector<std::string>>();
  if (result.count("user")) command.options.user = result["user"].as<std::string>();
  if (result.count("additional-gids")) command.options.additional_gids = result["additional-gids"].as<std::vector<uint32_t>>();
  if (result.count("cap")) throw UsageError("runz exec: --cap is not supported; give the capabilities in --process");
  command.options.tty = result["tty"].as<bool>();
  command.options.detach = result["detach"].as<bool>();
  command.options.no_new_privs = result["no-new-privs"].as<bool>();
  if (result.count("pid-file")) command.options.pid_file = result["pid-file"].as<std::string>();
  if (result.count("console-socket")) command.options.console_socket = result["console-socket"].as<std::string>();
  command.options.preserve_fds = result["preserve-fds"].as<int>();
  if (command.options.process_file && !command.options.args.empty())
    throw UsageError("runz exec: give either --process or a command, not both");
  return command;
}

int run(const Runtime& rt, const ExecCommand& command, std::ostream&) { return exec_container(rt, command.options); }

}  // namespace runz::runtime::cli
