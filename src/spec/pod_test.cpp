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

namespace {

using Annotations = std::map<std::string, std::string>;

Annotations sandbox_of_pod(const std::string& id, const std::string& ns, const std::string& name) {
  return {{kContainerTypeAnnotation, "sandbox"}, {kSandboxIdAnnotation, id},
          {kSandboxNamespaceAnnotation, ns}, {kSandboxNameAnnotation, name}};
}

Annotations member_of_pod(const std::string& id, const std::string& ns, const std::string& name) {
  return {{kContainerTypeAnnotation, "container"}, {kSandboxIdAnnotation, id},
          {kSandboxNamespaceAnnotation, ns}, {kSandboxNameAnnotation, name}};
}

}  // namespace

TEST_CASE("check_joins_sandbox: the pod's own sandbox is accepted") {
  CHECK_NOTHROW(
      check_joins_sandbox(member_of_pod("s1", "default", "web"), "s1", sandbox_of_pod("s1", "default", "web")));
  // containerd releases that set no pod namespace/name on one side: the ids decide
  CHECK_NOTHROW(check_joins_sandbox({{kContainerTypeAnnotation, "container"}, {kSandboxIdAnnotation, "s1"}}, "s1",
                                    sandbox_of_pod("s1", "default", "web")));
}

TEST_CASE("check_joins_sandbox: a plain container is no sandbox") {
  const Annotations member = member_of_pod("c1", "default", "web");
  CHECK_THROWS_WITH_AS(check_joins_sandbox(member, "c1", {}),
                       "is not this pod's sandbox: annotation io.kubernetes.cri.container-type is absent, "
                       "not `sandbox`",
                       runz::Error);
  CHECK_THROWS_WITH_AS(check_joins_sandbox(member, "c1", member_of_pod("s9", "default", "web")),
                       doctest::Contains("container-type is `container`, not `sandbox`"), runz::Error);
  // a "sandbox" whose sandbox-id is not its own id is some pod's container dressed up
  CHECK_THROWS_WITH_AS(check_joins_sandbox(member, "c1", sandbox_of_pod("s9", "default", "web")),
                       doctest::Contains("sandbox-id is `s9`, not its own id"), runz::Error);
  try {
    check_joins_sandbox(member, "c1", {});
  } catch (const runz::Error& e) {
    CHECK(e.kind() == runz::ErrorKind::InvalidArgument);
  }
}

TEST_CASE("check_joins_sandbox: another pod's sandbox is refused, naming what differs") {
  CHECK_THROWS_WITH_AS(
      check_joins_sandbox(member_of_pod("s1", "default", "web"), "s1", sandbox_of_pod("s1", "kube-system", "web")),
      "is not this pod's sandbox: annotation io.kubernetes.cri.sandbox-namespace is `kube-system`, the "
      "container's `default`",
      runz::Error);
  CHECK_THROWS_WITH_AS(
      check_joins_sandbox(member_of_pod("s1", "default", "web"), "s1", sandbox_of_pod("s1", "default", "db")),
      doctest::Contains("sandbox-name is `db`, the container's `web`"), runz::Error);
  CHECK_THROWS_WITH_AS(
      check_joins_sandbox(member_of_pod("s2", "default", "web"), "s1", sandbox_of_pod("s1", "default", "web")),
      doctest::Contains("sandbox-id of the container is `s2`, not `s1`"), runz::Error);
}
