// Pods as containerd's CRI plugin describes them in each container's annotations: the pause container is
// `container-type` "sandbox"; the pod's other containers are "container" with the sandbox's id. runz runs a
// pod in one zone: the sandbox builds it, the other containers join it.
#pragma once

#include <optional>
#include <string>

#include "spec/config.hpp"

namespace runz::spec {

inline constexpr const char* kContainerTypeAnnotation = "io.kubernetes.cri.container-type";
inline constexpr const char* kSandboxIdAnnotation = "io.kubernetes.cri.sandbox-id";

// The id of the sandbox whose zone this container joins; none for a sandbox or a container outside a pod.
// Throws ConfigError when container-type is "container" without a sandbox id.
std::optional<std::string> pod_sandbox_of(const Config& config);

// Whether a pod's container gets a PID namespace of its own. CRI's modes: CONTAINER (kubelet's default) is
// a "pid" namespace without a path; POD (shareProcessNamespace) names the sandbox's by path, and NODE has
// none: both share the zone's, where the sandbox runs.
bool wants_own_pid_namespace(const Config& config);

}  // namespace runz::spec
