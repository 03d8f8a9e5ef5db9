#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/in_root.hpp"

namespace fs = std::filesystem;

TEST_CASE("ensure_in_root makes mount points inside the root, whatever its symlinks say") {
  const fs::path base = fs::temp_directory_path() / ("in_root_test." + std::to_string(::getpid()));
  fs::remove_all(base);
  const fs::path root = base / "root", outside = base / "outside";
  fs::create_directories(root);
  fs::create_directories(outside);
  fs::create_directory_symlink(outside, root / "escape");  // absolute: resolves to <root><outside> in the root
  fs::create_directory_symlink("../../outside", root / "up");

  const runz::UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(fd);
  CHECK(runz::ensure_in_root(fd.get(), "/etc/resolv.conf", true));
  CHECK(fs::is_regular_file(root / "etc/resolv.conf"));
  CHECK(runz::ensure_in_root(fd.get(), "/dev/shm", false));
  CHECK(fs::is_directory(root / "dev/shm"));
  // both symlinks resolve inside the root, where their targets do not exist: refused, nothing made outside
  CHECK_THROWS_AS(runz::ensure_in_root(fd.get(), "/escape/a", false), runz::Error);
  CHECK_THROWS_AS(runz::ensure_in_root(fd.get(), "/up/b", true), runz::Error);
  CHECK(fs::is_empty(outside));
  fs::create_directory_symlink("/etc", root / "etc-link");  // absolute: the root's /etc
  CHECK(runz::ensure_in_root(fd.get(), "/etc-link/hosts", true));
  CHECK(fs::is_regular_file(root / "etc/hosts"));
  CHECK_FALSE(runz::open_in_root(fd.get(), "/no/such", O_PATH));
  fs::remove_all(base);
}
