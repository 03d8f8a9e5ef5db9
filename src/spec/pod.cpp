#include "spec/pod.hpp"

#include "spec/error.hpp"

namespace runz::spec {

std::optional<std::string> pod_sandbox_of(const Config& config) {
  const auto type = config.annotations.find(kContainerTypeAnnotation);
  if (type == config.annotations.end() || type->second != "container") return std::nullopt;
  const auto sandbox = config.annotations.find(kSandboxIdAnnotation);
  if (sandbox == config.annotations.end() || sandbox->second.empty())
    throw ConfigError(std::string("annotations[\"") + kSandboxIdAnnotation + "\"]",
                      std::string("must name the pod's sandbox: ") + kContainerTypeAnnotation + " is \"container\"");
  return sandbox->second;
}

bool wants_own_pid_namespace(const Config& config) {
  if (!config.linux_) return false;
  for (const auto& ns : config.linux_->namespaces)
    if (ns.type == "pid") return ns.path.empty();
  return false;
}

}  // namespace runz::spec
