// OCI hooks, run on the host (runtime-spec config.md "POSIX-platform Hooks"). Each hook gets the
// container's state JSON on stdin, its own args and env (no other environment), and is killed when its
// timeout passes. Where runz runs each point:
//   prestart, createRuntime, createContainer  `create`, after the zone is built, before create returns
//   startContainer                            `start`, before the process is started
//   poststart                                 `start`, after the process started (failures: warnings)
//   poststop                                  `delete`, once the zone is gone, as runc (failures:
//                                             warnings)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spec/config.hpp"

namespace runz::runtime {

enum class HookPoint { Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop };

// As config.json spells them: "createRuntime"...
std::string_view to_string(HookPoint point);
const std::vector<spec::Hook>& hooks_at(const spec::Hooks& hooks, HookPoint point);

// Runs one hook to completion. Throws runz::Error when it cannot be started, exits non-zero, is killed by a
// signal or times out; the message names the hook's path and carries the tail of its output.
void run_hook(const spec::Hook& hook, std::string_view state_json);

// Runs the hooks of `point` in order; the first failure throws, prefixed with the point's name.
void run_hooks(const spec::Hooks& hooks, HookPoint point, std::string_view state_json);

}  // namespace runz::runtime
