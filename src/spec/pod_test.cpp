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
