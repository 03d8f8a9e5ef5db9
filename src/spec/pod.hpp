// Pods as containerd's CRI plugin describes them in each container's annotations: the pause container is
// `container-type` "sandbox"; the pod's other containers are "container" with the sandbox's id. runz runs a
// pod in one zone: the sandbox builds it, the other containers join it.
//
// The annotations runz honours, all set by containerd's CRI plugin (sandbox_run_linux.go for the sandbox,
// container_create_linux.go for the others, containerd 1.6): container-type and sandbox-id on both (a
// sandbox's sandbox-id is its own id), and sandbox-namespace/sandbox-name (the pod's metadata) on both.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "spec/config.hpp"

namespace runz::spec {

inline constexpr const char* kContainerTypeAnnotation = "io.kubernetes.cri.container-type";
inline constexpr const char* kSandboxIdAnnotation = "io.kubernetes.cri.sandbox-id";
inline constexpr const char* kSandboxNamespaceAnnotation = "io.kubernetes.cri.sandbox-namespace";
inline constexpr const char* kSandboxNameAnnotation = "io.kubernetes.cri.sandbox-name";

// The id of the sandbox whose zone this container joins; none for a sandbox or a container outside a pod.
// Throws ConfigError when container-type is "container" without a sandbox id.
std::optional<std::string> pod_sandbox_of(const Config& config);

// Whether a container whose annotations are `member` may join the container `sandbox_id` whose saved
// annotations are `sandbox`: only a pod's own sandbox takes containers, never a plain container or another
// pod's sandbox. The target must say container-type "sandbox" with sandbox-id `sandbox_id` (its own id), the
// member must name the same sandbox-id, and a pod namespace or name both carry must be the same. Throws
// runz::Error (InvalidArgument) naming the first annotation that does not match.
void check_joins_sandbox(const std::map<std::string, std::string>& member, const std::string& sandbox_id,
                         const std::map<std::string, std::string>& sandbox);

// Whether a pod's container gets a PID namespace of its own. CRI's modes: CONTAINER (kubelet's default) is
// a "pid" namespace without a path; POD (shareProcessNamespace) names the sandbox's by path, and NODE has
// none: both share the zone's, where the sandbox runs.
bool wants_own_pid_namespace(const Config& config);

}  // namespace runz::spec
