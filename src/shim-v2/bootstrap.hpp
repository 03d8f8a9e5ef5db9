// The shim v2 binary contract as containerd 1.6 uses it (runtime/v2/README.md, runtime/v2/shim/shim.go):
//
//   containerd-shim-runz-v2 -namespace NS -address ADDR -publish-binary BIN -id ID [-bundle DIR] [-debug] start
//       cwd = the bundle. Serves the task API for ID (or the pod named by the bundle's
//       io.kubernetes.cri.sandbox-id annotation: one shim per pod) on
//       unix:///run/containerd/s/<sha256(ADDR/NS/GROUP)>, prints that address and exits. If a shim already
//       serves that address it is reused. The daemon is this binary again (no action), in a new session,
//       with the listening socket as fd 3. Writes `address` and `shim.pid` into the bundle.
//   ... delete
//       Clean-up after a shim died: `runz delete --force ID`, unmount <bundle>/rootfs, print a
//       DeleteResponse (exit status 137, exited_at now) on stdout.
//   ... (no action)
//       The daemon: the Task service over ttrpc on fd 3 (or -socket PATH). Events go over ttrpc to
//       TTRPC_ADDRESS. Exits after Shutdown with no task left, or on SIGTERM/SIGINT.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shim-v2/runtime_command.hpp"

namespace runz::shim {

inline constexpr std::string_view kDefaultSocketDir = "/run/containerd/s";
inline constexpr std::string_view kDefaultRuntimeRootBase = "/run/containerd/runz";
inline constexpr int kListenerFd = 3;
inline constexpr int kDeleteExitStatus = 128 + 9;  // what `delete` reports: the task was SIGKILLed

struct ShimFlags {
  std::string ns, address, publish_binary, id, bundle, socket;
  bool debug = false;
  bool version = false;
  std::string action;  // "start", "delete" or "" (daemon)
};

// Go flag package semantics: "-name value", "-name=value", "--name ...", booleans without a value; parsing
// stops at the first non-flag argument, which is the action. Throws runz::Error on an unknown flag.
ShimFlags parse_flags(const std::vector<std::string>& args);

// unix://<socket_dir>/<hex sha256 of "<address>/<ns>/<group>">, as containerd 1.6's shim.SocketAddress
// (filepath.Join: the three parts joined with "/", then cleaned).
std::string shim_socket_address(std::string_view address, std::string_view ns, std::string_view group,
                                 std::string_view socket_dir = kDefaultSocketDir);

// The id whose shim serves this bundle: the CRI sandbox id annotation in <bundle>/config.json, else `id`.
std::string grouping_id(const std::filesystem::path& bundle, const std::string& id);

// Where runz lives: $RUNZ_SHIM_RUNTIME, else `runz` beside this binary, else `runz` on $PATH.
std::filesystem::path default_runtime_binary();
// --root for runz: $RUNZ_SHIM_RUNTIME_ROOT, else /run/containerd/runz/<ns>.
std::filesystem::path default_runtime_root(std::string_view ns);

int run_start(const ShimFlags& flags);
int run_delete(const ShimFlags& flags);
int run_daemon(const ShimFlags& flags);

}  // namespace runz::shim
