#include "runtime/namespace_checks.hpp"

#include <doctest/doctest.h>

#include "common/error.hpp"
#include "runtime/container_netns.hpp"

namespace runz::runtime {
namespace {

spec::Config config_with(std::vector<spec::Namespace> namespaces) {
  spec::Config c;
  c.linux_.emplace();
  c.linux_->namespaces = std::move(namespaces);
  return c;
}

std::string refusal(const spec::Config& c) {
  try {
    check_namespaces(c);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidArgument);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the network namespace entry: none, without a path, with one") {
  CHECK(network_namespace(spec::Config{}) == nullptr);
  CHECK(network_namespace(config_with({{"pid", ""}, {"mount", ""}})) == nullptr);
  const spec::Config c = config_with({{"pid", ""}, {"network", "/run/netns/x"}});
  REQUIRE(network_namespace(c) != nullptr);
  CHECK(network_namespace(c)->path == "/run/netns/x");
}

TEST_CASE("namespace paths must name a namespace of their entry's type") {
  CHECK_NOTHROW(check_namespaces(spec::Config{}));
  CHECK_NOTHROW(check_namespaces(config_with({{"network", ""}, {"pid", ""}, {"user", ""}})));
  CHECK_NOTHROW(check_namespaces(config_with({{"network", "/proc/self/ns/net"}, {"ipc", "/proc/self/ns/ipc"},
                                              {"uts", "/proc/self/ns/uts"}, {"cgroup", "/proc/self/ns/cgroup"}})));
  const std::string missing = refusal(config_with({{"network", "/nonexistent/netns"}}));
  CHECK(missing.find("config.json") != std::string::npos);
  CHECK(missing.find("/nonexistent/netns") != std::string::npos);
  CHECK(refusal(config_with({{"cgroup", "/proc/self/ns/ipc"}})).find("a ipc namespace, not a cgroup one") !=
        std::string::npos);
  CHECK(refusal(config_with({{"network", "/etc/hostname"}})).find("not a namespace") != std::string::npos);
}

TEST_CASE("what a zone cannot honour is refused, not ignored") {
  CHECK(refusal(config_with({{"user", "/proc/self/ns/user"}})).find("joining a user namespace is not supported") !=
        std::string::npos);
  spec::Config mapped = config_with({{"user", ""}});
  mapped.linux_->uid_mappings.push_back({0, 1000, 1});
  CHECK(refusal(mapped).find("uidMappings") != std::string::npos);
  mapped.linux_->uid_mappings.clear();
  mapped.linux_->gid_mappings.push_back({0, 1000, 1});
  CHECK(refusal(mapped).find("gidMappings") != std::string::npos);
}

}  // namespace runz::runtime
