#include <doctest/doctest.h>

#include "spec/error.hpp"
#include "spec/pod.hpp"

using namespace runz::spec;

TEST_CASE("pod_sandbox_of: only a CRI container names a sandbox to join") {
  Config config;
  CHECK_FALSE(pod_sandbox_of(config));
  config.annotations[kContainerTypeAnnotation] = "sandbox";
  config.annotations[kSandboxIdAnnotation] = "pod1";
  CHECK_FALSE(pod_sandbox_of(config));
  config.annotations[kContainerTypeAnnotation] = "container";
  CHECK(pod_sandbox_of(config) == std::optional<std::string>("pod1"));
  config.annotations[kSandboxIdAnnotation] = "";
  CHECK_THROWS_WITH_AS(pod_sandbox_of(config),
                       doctest::Contains("io.kubernetes.cri.sandbox-id"), ConfigError);
}

TEST_CASE("wants_own_pid_namespace: CRI's CONTAINER mode only") {
  Config config;
  CHECK_FALSE(wants_own_pid_namespace(config));  // NODE: no linux section, no pid namespace
  config.linux_ = Linux{};
  config.linux_->namespaces.push_back({"mount", ""});
  CHECK_FALSE(wants_own_pid_namespace(config));
  config.linux_->namespaces.push_back({"pid", ""});
  CHECK(wants_own_pid_namespace(config));  // CONTAINER
  config.linux_->namespaces.back().path = "/proc/42/ns/pid";
  CHECK_FALSE(wants_own_pid_namespace(config));  // POD: the sandbox's
}
