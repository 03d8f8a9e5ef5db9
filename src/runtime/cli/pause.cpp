// runz pause <container-id> / runz resume <container-id>
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {

PauseCommand parse_pause(const std::vector<std::string>& args) {
  auto options = verb_options("pause", "<container-id>");
  return PauseCommand{single_id("pause", parse_verb(options, args))};
}

ResumeCommand parse_resume(const std::vector<std::string>& args) {
  auto options = verb_options("resume", "<container-id>");
  return ResumeCommand{single_id("resume", parse_verb(options, args))};
}

int run(const Runtime& rt, const PauseCommand& command, std::ostream&) {
  pause_container(rt, command.id);
  return 0;
}

int run(const Runtime& rt, const ResumeCommand& command, std::ostream&) {
  resume_container(rt, command.id);
  return 0;
}

}  // namespace runz::runtime::cli
