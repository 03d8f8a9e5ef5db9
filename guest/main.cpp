// runz-agent: PID 1 of a zone. Mounts the pseudo filesystems, opens the control channel on /dev/hvc0 (raw),
// loads the kernel modules of /lib/modules/modules.list, brings `lo` up, says HELLO, then serves the host (guest/agent.hpp)
// until SHUTDOWN, and powers the zone off. A fatal error is sent as ERROR (step + errno), then power off.
//
// Test modes (no Xen; see guest/agent_integration_test.cpp):
//   --transport=stdio   the control channel is stdin/stdout instead of /dev/hvc0
//   --no-pid1           no boot mounts, no modules, no power-off (exits instead); becomes a child subreaper
//   --rootfs-dir=DIR    the 9p tag `rootfs` is DIR, bind-mounted (same as --tag-dir=rootfs=DIR)
//   --tag-dir=TAG=DIR   any 9p tag as a host directory (repeatable)
//   --state-dir=DIR     per-container staging directories (default /run/runz)
// Other options: --console=PATH (default /dev/hvc0), --modules-list=PATH (default /lib/modules/modules.list).
#include "agent-proto/messages.hpp"
#include "common/error.hpp"
#include "guest/agent.hpp"
#include "guest/boot.hpp"
#include "guest/console_channel.hpp"
#include "guest/modules.hpp"
#include "guest/network.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

using namespace runz;
using namespace runz::guest;

struct Options {
  bool stdio_transport = false;
  bool pid1 = true;
  std::string console = "/dev/hvc0";
  std::string modules_list = kModulesList;
  AgentOptions agent;
};

void usage_error(std::string_view message) {
  std::fprintf(stderr, "runz-agent: %.*s\n", static_cast<int>(message.size()), message.data());
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value_of = [&](std::string_view prefix) -> std::optional<std::string> {
      if (arg.substr(0, prefix.size()) != prefix) return std::nullopt;
      return std::string(arg.substr(prefix.size()));
    };
    if (arg == "--transport=stdio") {
      o.stdio_transport = true;
    } else if (arg == "--transport=hvc") {
      o.stdio_transport = false;
    } else if (arg == "--no-pid1") {
      o.pid1 = false;
    } else if (auto v = value_of("--rootfs-dir=")) {
      o.agent.tags.tag_dirs["rootfs"] = *v;
    } else if (auto tv = value_of("--tag-dir=")) {
      const size_t eq = tv->find('=');
      if (eq == std::string::npos || eq == 0) {
        usage_error("--tag-dir needs TAG=DIR");
        return std::nullopt;
      }
      o.agent.tags.tag_dirs[tv->substr(0, eq)] = tv->substr(eq + 1);
    } else if (auto sv = value_of("--state-dir=")) {
      o.agent.state_dir = *sv;
    } else if (auto cv = value_of("--console=")) {
      o.console = *cv;
    } else if (auto mv = value_of("--modules-list=")) {
      o.modules_list = *mv;
    } else {
      // As PID 1 the kernel may pass its own arguments; only complain in test modes.
      if (getpid() != 1) {
        usage_error("unknown argument `" + std::string(arg) + "`");
        return std::nullopt;
      }
    }
  }
  // In a zone the hierarchy is the zone kernel's own; outside one (--no-pid1) it would be the host's.
  if (o.pid1) o.agent.cgroup_root = "/sys/fs/cgroup";
  o.agent.online_added_cpus = o.pid1;
  return o;
}

// Boot steps before the console exists can only be reported on the kernel console.
void early_failure(const char* step, const std::exception& e) {
  std::fprintf(stderr, "runz-agent: %s: %s\n", step, e.what());
}

int serve(const Options& options) {
  std::optional<ConsoleChannel> console;
  if (options.pid1) {
    try {
      mount_dev();
    } catch (const std::exception& e) {
      early_failure("mount /dev", e);
    }
  }
  try {
    console.emplace(options.stdio_transport ? ConsoleChannel::stdio() : ConsoleChannel::open_device(options.console.c_str()));
  } catch (const std::exception& e) {
    early_failure("open console", e);
    return 1;
  }

  std::string step = "boot";
  try {
    ::signal(SIGPIPE, SIG_IGN);
    if (options.pid1) {
      step = "mount pseudo filesystems";
      mount_pseudo_filesystems();
      step = "load kernel modules";
      load_modules(options.modules_list);
      step = "bring up lo";
      bring_up_loopback();
      allow_console_sysrq_dumps();
    } else {
      step = "become child subreaper";
      if (::prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) != 0) throw_errno("PR_SET_CHILD_SUBREAPER");
    }
    step = "start agent";
    Agent agent(*console, options.agent);
    agent_proto::Hello hello{agent_proto::kProtocolVersion, agent_proto::kAgentVersion, kernel_release()};
    hello.console_sysrq = options.pid1 && hvc0_takes_sysrq();
    console->send_encoded(agent_proto::encode(agent_proto::kZoneStream, hello));
    step = "serve";
    const AgentStop stop = agent.run();
    agent.kill_everything();
    (void)stop;
    return 0;
  } catch (const Error& e) {
    try {
      console->send_error(agent_proto::kZoneStream, step, e.code(), e.what());
    } catch (...) {
      early_failure(step.c_str(), e);
    }
  } catch (const std::exception& e) {
    try {
      console->send_error(agent_proto::kZoneStream, step, 0, e.what());
    } catch (...) {
      early_failure(step.c_str(), e);
    }
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_args(argc, argv);
  if (!options) {
    if (getpid() == 1) power_off();
    return 2;
  }
  int status = 1;
  try {
    status = serve(*options);
  } catch (...) {
  }
  if (options->pid1) power_off();  // never return from PID 1
  return status;
}
