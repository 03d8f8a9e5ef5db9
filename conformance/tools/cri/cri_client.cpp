// runz-cri: a small Kubernetes CRI client (crictl is not packaged in Debian 12) for runz's end-to-end tests.
// It drives containerd's CRI plugin (runtime.v1 over gRPC on containerd's socket) the way the kubelet does:
// run a pod sandbox with the `runz` runtime handler, create/start/exec/stop/remove containers in it.
//
// Exit status: 0; the command's own for `exec`; 1 when a call fails (`runz-cri: COMMAND: CODE: message` on
// stderr, CODE being the gRPC status code's name) or an input file is bad; 2 for a usage error.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "json_io.hpp"
#include "rpc.hpp"

namespace runz::cri {
namespace {

constexpr const char* kDefaultSocket = "/run/containerd/containerd.sock";
// Generous: in the emulated Xen host, a RunPodSandbox or StartContainer boots a zone under QEMU TCG.
constexpr std::chrono::seconds kDefaultTimeout{300};

constexpr const char* kUsage = R"(usage: runz-cri [--socket PATH] [--timeout SECS] COMMAND ...

Global options:
  --socket PATH    the CRI server's unix socket (default /run/containerd/containerd.sock)
  --timeout SECS   deadline of each call, and ExecSync's timeout for `exec` (default 300; 0: none)

Commands:
  version                              the runtime's name and version
  runp [--runtime HANDLER] POD.json    run a pod sandbox; prints its id
  stopp POD_ID                         stop a pod sandbox
  rmp POD_ID                           remove a pod sandbox
  pods                                 list pod sandboxes: ID NAME STATE HANDLER
  inspectp [--verbose] POD_ID          a pod sandbox's status as JSON
  create POD_ID CONTAINER.json POD.json
                                       create a container in a pod; prints its id
  start CID                            start a container
  stop [--timeout S] CID               stop a container: S seconds after the stop signal, SIGKILL (default 0)
  rm CID                               remove a container
  ps [--pod POD_ID]                    list containers: ID POD_ID NAME STATE
  inspect [--verbose] CID              a container's status as JSON
  exec CID [--] CMD [ARG...]           run CMD in the container (ExecSync); its stdout, stderr and exit status
  images                               list images: ID TAG,...
  inspecti IMAGE                       an image's status as JSON

POD.json and CONTAINER.json use crictl's format (the protobuf JSON mapping of PodSandboxConfig and
ContainerConfig; unknown fields are ignored).
)";

struct Command {
  std::string_view name;
  int (*run)(Session&, Args&);
};

constexpr Command kCommands[] = {
    {"version", cmd_version}, {"runp", cmd_runp},         {"stopp", cmd_stopp},   {"rmp", cmd_rmp},
    {"pods", cmd_pods},       {"inspectp", cmd_inspectp}, {"create", cmd_create}, {"start", cmd_start},
    {"stop", cmd_stop},       {"rm", cmd_rm},             {"ps", cmd_ps},         {"inspect", cmd_inspect},
    {"exec", cmd_exec},       {"images", cmd_images},     {"inspecti", cmd_inspecti},
};

const Command* find_command(std::string_view name) {
  for (const auto& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int run(std::vector<std::string> words) {
  Args args(std::move(words));
  std::string socket = kDefaultSocket;
  std::chrono::seconds timeout = kDefaultTimeout;
  std::string command_name;
  try {
    while (auto option = args.take_option()) {
      if (option->name == "--socket") {
        socket = args.value_of(*option);
      } else if (option->name == "--timeout") {
        timeout = parse_seconds(args.value_of(*option), "--timeout");
      } else if (option->name == "--help" || option->name == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else {
        unknown_option(*option);
      }
    }
    command_name = args.take("command");
    if (command_name == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    const Command* command = find_command(command_name);
    if (command == nullptr) throw UsageError("unknown command `" + std::exchange(command_name, {}) + "`");

    auto channel = connect_unix(socket);
    auto runtime = runtime::v1::RuntimeService::NewStub(channel);
    auto images = runtime::v1::ImageService::NewStub(channel);
    Session session{*runtime, *images, timeout};
    return command->run(session, args);
  } catch (const UsageError& e) {
    std::string where = command_name.empty() ? "" : command_name + ": ";
    std::fprintf(stderr, "runz-cri: %s%s\nrun `runz-cri --help` for usage\n", where.c_str(), e.what());
    return 2;
  } catch (const RpcError& e) {
    std::fprintf(stderr, "runz-cri: %s: %s: %s\n", command_name.c_str(),
                 std::string(code_name(e.status().error_code())).c_str(), e.status().error_message().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runz-cri: %s: %s\n", command_name.c_str(), e.what());
    return 1;
  }
}

}  // namespace
}  // namespace runz::cri

int main(int argc, char** argv) {
  return runz::cri::run(std::vector<std::string>(argv + 1, argv + argc));
}
