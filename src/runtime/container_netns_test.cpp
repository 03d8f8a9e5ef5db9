#include "runtime/container_netns.hpp"

#include <doctest/doctest.h>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

spec::Config config_with(std::vector<spec::Namespace> namespaces) {
  spec::Config c;
  c.linux_.emplace();
  c.linux_->namespaces = std::move(namespaces);
  return c;
}

}  // namespace

TEST_CASE("the network namespace entry: none, without a path, with one") {
  CHECK(network_namespace(spec::Config{}) == nullptr);
  CHECK(network_namespace(config_with({{"pid", ""}, {"mount", ""}})) == nullptr);
  const spec::Config c = config_with({{"pid", ""}, {"network", "/run/netns/x"}});
  REQUIRE(network_namespace(c) != nullptr);
  CHECK(network_namespace(c)->path == "/run/netns/x");
}

TEST_CASE("create refuses a network namespace path that is missing or not a network namespace") {
  CHECK_NOTHROW(check_network_namespace(config_with({{"network", ""}})));
  CHECK_NOTHROW(check_network_namespace(config_with({{"network", "/proc/self/ns/net"}})));
  try {
    check_network_namespace(config_with({{"network", "/nonexistent/netns"}}));
    FAIL("accepted a missing path");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("config.json") != std::string::npos);
    CHECK(std::string(e.what()).find("/nonexistent/netns") != std::string::npos);
    CHECK(e.kind() == ErrorKind::InvalidArgument);
  }
  CHECK_THROWS_WITH_AS(check_network_namespace(config_with({{"network", "/proc/self/ns/ipc"}})),
                       doctest::Contains("another type"), Error);
}

}  // namespace runz::runtime
