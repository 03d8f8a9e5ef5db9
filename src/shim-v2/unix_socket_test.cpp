#include "shim-v2/unix_socket.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cerrno>
#include <string>

using namespace runz::shim;

TEST_CASE("socket_path: file, unix:// and abstract forms") {
  CHECK(socket_path("unix:///run/containerd/s/abc") == "/run/containerd/s/abc");
  CHECK(socket_path("/run/containerd/containerd.sock.ttrpc") == "/run/containerd/containerd.sock.ttrpc");
  CHECK(socket_path("@runz-test") == std::string("\0runz-test", 10));
  CHECK_THROWS_AS(socket_path(""), runz::Error);
  CHECK_THROWS_AS(socket_path("unix://" + std::string(200, 'a')), runz::Error);
}

TEST_CASE("listen_unix: a taken abstract address reports EADDRINUSE") {
  std::string address = "@runz-shim-test-" + std::to_string(::getpid());
  auto first = listen_unix(address);
  CHECK(can_connect(address));
  try {
    listen_unix(address);
    FAIL("expected EADDRINUSE");
  } catch (const runz::Error& e) {
    CHECK(e.code() == EADDRINUSE);
  }
}
