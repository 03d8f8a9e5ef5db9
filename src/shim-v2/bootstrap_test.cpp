#include "shim-v2/bootstrap.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace runz::shim;

TEST_CASE("parse_flags: containerd 1.6's start and delete command lines") {
  auto f = parse_flags({"-namespace", "k8s.io", "-address", "/run/containerd/containerd.sock", "-publish-binary",
                        "/usr/bin/containerd", "-id", "abc", "-debug", "start"});
  CHECK(f.ns == "k8s.io");
  CHECK(f.address == "/run/containerd/containerd.sock");
  CHECK(f.publish_binary == "/usr/bin/containerd");
  CHECK(f.id == "abc");
  CHECK(f.debug);
  CHECK(f.action == "start");

  f = parse_flags({"--namespace=default", "-id=x", "-bundle", "/b", "delete"});
  CHECK(f.ns == "default");
  CHECK(f.id == "x");
  CHECK(f.bundle == "/b");
  CHECK_FALSE(f.debug);
  CHECK(f.action == "delete");

  f = parse_flags({"-namespace", "n", "-socket", "/tmp/s"});
  CHECK(f.action.empty());
  CHECK(f.socket == "/tmp/s");

  CHECK_THROWS_WITH_AS(parse_flags({"-bogus", "1"}), doctest::Contains("not defined: -bogus"), runz::Error);
  CHECK_THROWS_AS(parse_flags({"-id"}), runz::Error);
}

TEST_CASE("shim_socket_address: sha256 of address/namespace/id under /run/containerd/s") {
  // sha256("/run/containerd/containerd.sock/default/abc")
  CHECK(shim_socket_address("/run/containerd/containerd.sock", "default", "abc") ==
        "unix:///run/containerd/s/8cb244a719603fe00870d5ce1d8e1f1db43a654cb993d107df1f1ae23ddffa59");
  // filepath.Join cleans: a trailing slash or a doubled one in the address changes nothing.
  CHECK(shim_socket_address("/run/containerd//containerd.sock/", "default", "abc") ==
        shim_socket_address("/run/containerd/containerd.sock", "default", "abc"));
  CHECK(shim_socket_address("/a", "n", "i", "/tmp/s").starts_with("unix:///tmp/s/"));
}

TEST_CASE("grouping_id: the CRI sandbox annotation groups a pod's containers in one shim") {
  auto dir = std::filesystem::temp_directory_path() / ("runz-shim-group-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  CHECK(grouping_id(dir, "c1") == "c1");  // no config.json
  std::ofstream(dir / "config.json") << R"({"annotations":{"io.kubernetes.cri.sandbox-id":"pod9"}})";
  CHECK(grouping_id(dir, "c1") == "pod9");
  std::ofstream(dir / "config.json") << R"({"annotations":{"other":"x"}})";
  CHECK(grouping_id(dir, "c1") == "c1");
  std::ofstream(dir / "config.json") << "not json";
  CHECK(grouping_id(dir, "c1") == "c1");
  std::filesystem::remove_all(dir);
}

TEST_CASE("default_runtime_root: per namespace, overridable") {
  ::unsetenv("RUNZ_SHIM_RUNTIME_ROOT");
  CHECK(default_runtime_root("k8s.io") == "/run/containerd/runz/k8s.io");
  ::setenv("RUNZ_SHIM_RUNTIME_ROOT", "/tmp/r", 1);
  CHECK(default_runtime_root("k8s.io") == "/tmp/r");
  ::unsetenv("RUNZ_SHIM_RUNTIME_ROOT");
}
