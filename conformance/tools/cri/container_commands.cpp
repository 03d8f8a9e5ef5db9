// create, start, stop, rm, ps, inspect: containers in a pod sandbox.
#include <cstdio>

#include "commands.hpp"
#include "json_io.hpp"

namespace runz::cri {

namespace v1 = runtime::v1;

namespace {

std::string container_id_operand(Args& args) {
  std::string id = args.take("container id");
  args.expect_end();
  return id;
}

// `base` plus `extra`, keeping 0 as "no deadline".
std::chrono::seconds extend(std::chrono::seconds base, std::chrono::seconds extra) {
  return base.count() == 0 ? base : base + extra;
}

}  // namespace

int cmd_create(Session& session, Args& args) {
  v1::CreateContainerRequest request;
  request.set_pod_sandbox_id(args.take("pod sandbox id"));
  std::string container_file = args.take("container config file (CONTAINER.json)");
  std::string pod_file = args.take("pod config file (POD.json)");
  args.expect_end();
  read_json_file(container_file, *request.mutable_config());
  read_json_file(pod_file, *request.mutable_sandbox_config());
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::CreateContainer, request, session.timeout);
  std::printf("%s\n", reply.container_id().c_str());
  return 0;
}

int cmd_start(Session& session, Args& args) {
  v1::StartContainerRequest request;
  request.set_container_id(container_id_operand(args));
  call(session.runtime, &v1::RuntimeService::Stub::StartContainer, request, session.timeout);
  return 0;
}

// --timeout S: seconds from the stop signal to SIGKILL (default 0, SIGKILL at once, as crictl). The call's
// deadline grows by S.
int cmd_stop(Session& session, Args& args) {
  v1::StopContainerRequest request;
  std::chrono::seconds grace{0};
  while (auto option = args.take_option()) {
    if (option->name == "--timeout" || option->name == "-t") {
      grace = parse_seconds(args.value_of(*option), "--timeout");
    } else {
      unknown_option(*option);
    }
  }
  request.set_container_id(container_id_operand(args));
  request.set_timeout(grace.count());
  call(session.runtime, &v1::RuntimeService::Stub::StopContainer, request, extend(session.timeout, grace));
  return 0;
}

int cmd_rm(Session& session, Args& args) {
  v1::RemoveContainerRequest request;
  request.set_container_id(container_id_operand(args));
  call(session.runtime, &v1::RuntimeService::Stub::RemoveContainer, request, session.timeout);
  return 0;
}

// One line per container, in any state: ID POD_ID NAME STATE.
int cmd_ps(Session& session, Args& args) {
  v1::ListContainersRequest request;
  while (auto option = args.take_option()) {
    if (option->name == "--pod" || option->name == "-p") {
      request.mutable_filter()->set_pod_sandbox_id(args.value_of(*option));
    } else {
      unknown_option(*option);
    }
  }
  args.expect_end();
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::ListContainers, request, session.timeout);
  for (const auto& container : reply.containers()) {
    std::printf("%s %s %s %s\n", container.id().c_str(), container.pod_sandbox_id().c_str(),
                container.metadata().name().c_str(), v1::ContainerState_Name(container.state()).c_str());
  }
  return 0;
}

int cmd_inspect(Session& session, Args& args) {
  v1::ContainerStatusRequest request;
  request.set_verbose(take_verbose_only(args));
  request.set_container_id(container_id_operand(args));
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::ContainerStatus, request, session.timeout);
  std::fputs(to_json(reply).c_str(), stdout);
  return 0;
}

}  // namespace runz::cri
