// The lifecycle operations, one per file (container_<verb>.cpp). Each validates the id, takes the
// container lock where it changes the container, re-derives the status and checks `can_<verb>` before
// touching anything. The CLI verbs (cli/) are thin calls into these.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "runtime/container_load.hpp"
#include "runtime/runtime.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

struct CreateOptions {
  std::string id;
  std::filesystem::path bundle = ".";
  std::optional<std::filesystem::path> pid_file;
  std::optional<std::filesystem::path> console_socket;
  int preserve_fds = 0;
};

// validate config → check host → claim `<root>/<id>` → fork the monitor (zone built) → createRuntime and
// createContainer hooks → state.json `created`, --pid-file. Any failure removes everything it made.
// Returns the monitor.
HostProcess create_container(const Runtime& rt, const CreateOptions& options);
void start_container(const Runtime& rt, std::string_view id);
void kill_container(const Runtime& rt, std::string_view id, int signal, bool all);
void pause_container(const Runtime& rt, std::string_view id);
void resume_container(const Runtime& rt, std::string_view id);
// `runz update`: new limits (an OCI LinuxResources document) for a created, running or paused container's
// zone; `runz events`: what its zone uses.
void update_container(const Runtime& rt, std::string_view id, const nlohmann::json& resources);
ZoneUsage container_usage(const Runtime& rt, std::string_view id);
// Without `force` only created or stopped containers; with it, a live monitor is SIGKILLed first. Either way
// the zone is cleaned up from the recorded ZoneRecord and the state dir removed.
void delete_container(const Runtime& rt, std::string_view id, bool force);
spec::State container_state(const Runtime& rt, std::string_view id);
std::vector<spec::State> list_containers(const Runtime& rt);

struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;  // keep the state dir after the process exited (no delete)
};
// create + start; unless detached, waits for the process (forwarding our signals to it) and returns its
// exit status.
int run_container(const Runtime& rt, const RunOptions& options);

// `runz exec`: another process in a running container's zone. The process is --process's JSON, or the
// container's own process with `args`, `env` added, and cwd/user/terminal replaced where given.
struct ExecOptions {
  std::string id;
  std::optional<std::filesystem::path> process_file;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<std::string> cwd;
  std::optional<std::string> user;  // uid[:gid]
  std::vector<uint32_t> additional_gids;
  bool tty = false;
  bool detach = false;
  bool no_new_privs = false;
  std::optional<std::filesystem::path> pid_file;
  std::optional<std::filesystem::path> console_socket;
  int preserve_fds = 0;
};
// Attached: returns the process's exit status (signals to runz are forwarded to it). Detached: returns 0
// once it runs, leaving a small host process (its pid goes to --pid-file) that forwards signals to it and
// exits with its status, as the container's monitor does for the main process.
int exec_container(const Runtime& rt, const ExecOptions& options);

// Tear down what is left of a container (shared by create's failure path and delete): SIGKILL a live
// monitor (checked by start time), ZoneFactory::cleanup of the recorded zone, the poststop hooks (as runc's
// destroy), remove the state dir. Call with the container's lock held.
void destroy_container(const Runtime& rt, std::string_view id, const ContainerLock& lock);

// `runz spec`: writes runc's default config.json into `bundle`; refuses to overwrite one.
void write_default_spec(const std::filesystem::path& bundle, bool rootless);

}  // namespace runz::runtime
