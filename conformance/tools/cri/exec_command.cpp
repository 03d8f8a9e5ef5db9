// exec: ExecSync, whose output and exit status become runz-cri's own.
#include <cstdio>

#include "commands.hpp"

namespace runz::cri {

namespace v1 = runtime::v1;

namespace {

// Extra time the call gets beyond the command's own timeout, so that the runtime's timeout error (not our
// deadline) is what comes back when the command overruns.
constexpr std::chrono::seconds kExecDeadlineSlack{30};

void write_all(std::FILE* stream, const std::string& bytes) {
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), stream) != bytes.size()) {
    throw std::runtime_error("write the command's output: short write");
  }
  std::fflush(stream);
}

}  // namespace

// The command runs with the global --timeout as ExecSync's timeout (0: none).
int cmd_exec(Session& session, Args& args) {
  v1::ExecSyncRequest request;
  request.set_container_id(args.take("container id"));
  if (args.peek() == "--") args.take("--");
  for (auto& word : args.take_rest()) request.add_cmd(std::move(word));
  if (request.cmd().empty()) throw UsageError("missing the command to run");
  request.set_timeout(session.timeout.count());

  auto deadline = session.timeout.count() == 0 ? session.timeout : session.timeout + kExecDeadlineSlack;
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::ExecSync, request, deadline);
  write_all(stdout, reply.stdout());
  write_all(stderr, reply.stderr());
  return reply.exit_code();
}

}  // namespace runz::cri
