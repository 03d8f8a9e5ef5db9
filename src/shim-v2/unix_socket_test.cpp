#include "shim-v2/unix_socket.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

using namespace runz::shim;

TEST_CASE("socket_path: file, unix:// and abstract forms") {
  CHECK(socket_path("unix:///run/containerd/s/abc") == "/run/containerd/s/abc");
  CHECK(socket_path("/run/containerd/containerd.sock.ttrpc") == "/run/containerd/containerd.sock.ttrpc");
  CHECK(socket_path("@runz-test") == std::string("\0runz-test", 10));
  CHECK_THROWS_AS(socket_path(""), runz::Error);
  CHECK_THROWS_AS(socket_path("unix://" + std::string(200, 'a')), runz::Error);
}

namespace {

// listen_unix at an address another listener holds fails with EADDRINUSE.
void check_taken(const std::string& address) {
  try {
    listen_unix(address);
    FAIL("expected EADDRINUSE");
  } catch (const runz::Error& e) {
    CHECK(e.code() == EADDRINUSE);
  }
}

}  // namespace

TEST_CASE("listen_unix: a taken abstract address reports EADDRINUSE") {
  std::string address = "@runz-shim-test-" + std::to_string(::getpid());
  auto first = listen_unix(address);
  CHECK(can_connect(address));
  check_taken(address);
}

TEST_CASE("listen_unix: a socket file is 0600 from the start, put in place whole; a taken path is EADDRINUSE") {
  const auto dir = std::filesystem::temp_directory_path() / ("runz-socket-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "shim.sock").string();
  const mode_t old_umask = ::umask(0);  // 0600 whatever the umask lets through
  auto listener = listen_unix("unix://" + path);
  ::umask(old_umask);
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(can_connect(path));
  check_taken(path);
  CHECK(can_connect(path));  // the first listener still has its name
  // nothing left beside it: the private directories the sockets were bound in are gone
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  CHECK(names == std::vector<std::string>{"shim.sock"});
  listener.reset();
  std::filesystem::remove_all(dir);
}
