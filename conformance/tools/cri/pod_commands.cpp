// runp, stopp, rmp, pods, inspectp: pod sandboxes.
#include <cstdio>

#include "commands.hpp"
#include "json_io.hpp"

namespace runz::cri {

namespace v1 = runtime::v1;

namespace {

std::string pod_id_operand(Args& args) {
  std::string id = args.take("pod sandbox id");
  args.expect_end();
  return id;
}

}  // namespace

int cmd_runp(Session& session, Args& args) {
  v1::RunPodSandboxRequest request;
  while (auto option = args.take_option()) {
    if (option->name == "--runtime" || option->name == "-r") {
      request.set_runtime_handler(args.value_of(*option));
    } else {
      unknown_option(*option);
    }
  }
  std::string config_file = args.take("pod config file (POD.json)");
  args.expect_end();
  read_json_file(config_file, *request.mutable_config());
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::RunPodSandbox, request, session.timeout);
  std::printf("%s\n", reply.pod_sandbox_id().c_str());
  return 0;
}

int cmd_stopp(Session& session, Args& args) {
  v1::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(pod_id_operand(args));
  call(session.runtime, &v1::RuntimeService::Stub::StopPodSandbox, request, session.timeout);
  return 0;
}

int cmd_rmp(Session& session, Args& args) {
  v1::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(pod_id_operand(args));
  call(session.runtime, &v1::RuntimeService::Stub::RemovePodSandbox, request, session.timeout);
  return 0;
}

// One line per pod sandbox: ID NAME STATE HANDLER ("-" for the default handler).
int cmd_pods(Session& session, Args& args) {
  args.expect_end();
  auto reply =
      call(session.runtime, &v1::RuntimeService::Stub::ListPodSandbox, v1::ListPodSandboxRequest{}, session.timeout);
  for (const auto& pod : reply.items()) {
    const std::string& handler = pod.runtime_handler();
    std::printf("%s %s %s %s\n", pod.id().c_str(), pod.metadata().name().c_str(),
                v1::PodSandboxState_Name(pod.state()).c_str(), handler.empty() ? "-" : handler.c_str());
  }
  return 0;
}

int cmd_inspectp(Session& session, Args& args) {
  v1::PodSandboxStatusRequest request;
  request.set_verbose(take_verbose_only(args));
  request.set_pod_sandbox_id(pod_id_operand(args));
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::PodSandboxStatus, request, session.timeout);
  std::fputs(to_json(reply).c_str(), stdout);
  return 0;
}

}  // namespace runz::cri
