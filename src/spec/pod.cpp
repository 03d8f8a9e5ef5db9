#include "spec/pod.hpp"

#include <cerrno>

#include "spec/error.hpp"

namespace runz::spec {

namespace {

using Annotations = std::map<std::string, std::string>;

std::optional<std::string> annotation(const Annotations& annotations, const char* key) {
  const auto it = annotations.find(key);
  if (it == annotations.end()) return std::nullopt;
  return it->second;
}

std::string shown(const std::optional<std::string>& value) { return value ? runz::quoted(*value) : "absent"; }

[[noreturn]] void refuse(const char* key, const std::string& detail) {
  throw Error(std::string("is not this pod's sandbox: annotation ") + key + " " + detail, EINVAL);
}

}  // namespace

std::optional<std::string> pod_sandbox_of(const Config& config) {
  const auto type = config.annotations.find(kContainerTypeAnnotation);
  if (type == config.annotations.end() || type->second != "container") return std::nullopt;
  const auto sandbox = config.annotations.find(kSandboxIdAnnotation);
  if (sandbox == config.annotations.end() || sandbox->second.empty())
    throw ConfigError(std::string("annotations[\"") + kSandboxIdAnnotation + "\"]",
                      std::string("must name the pod's sandbox: ") + kContainerTypeAnnotation + " is \"container\"");
  return sandbox->second;
}

void check_joins_sandbox(const Annotations& member, const std::string& sandbox_id, const Annotations& sandbox) {
  const auto type = annotation(sandbox, kContainerTypeAnnotation);
  if (type != "sandbox") refuse(kContainerTypeAnnotation, "is " + shown(type) + ", not `sandbox`");
  const auto own_id = annotation(sandbox, kSandboxIdAnnotation);
  if (own_id != sandbox_id) refuse(kSandboxIdAnnotation, "is " + shown(own_id) + ", not its own id");
  const auto named = annotation(member, kSandboxIdAnnotation);
  if (named != sandbox_id)
    refuse(kSandboxIdAnnotation, "of the container is " + shown(named) + ", not " + runz::quoted(sandbox_id));
  for (const char* key : {kSandboxNamespaceAnnotation, kSandboxNameAnnotation}) {
    const auto theirs = annotation(sandbox, key);
    const auto ours = annotation(member, key);
    if (theirs && ours && *theirs != *ours) refuse(key, "is " + shown(theirs) + ", the container's " + shown(ours));
  }
}

bool wants_own_pid_namespace(const Config& config) {
  if (!config.linux_) return false;
  for (const auto& ns : config.linux_->namespaces)
    if (ns.type == "pid") return ns.path.empty();
  return false;
}

}  // namespace runz::spec
