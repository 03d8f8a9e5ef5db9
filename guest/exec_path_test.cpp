#include "guest/exec_path.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace runz::guest;

TEST_CASE("env_value") {
  const std::vector<std::string> env = {"HOME=/root", "PATH=/bin", "PATHX=1", "EMPTY=", "PATH=/usr/bin:/bin"};
  CHECK(env_value(env, "PATH") == "/usr/bin:/bin");
  CHECK(env_value(env, "EMPTY") == "");
  CHECK_FALSE(env_value(env, "PAT"));
  CHECK_FALSE(env_value(env, "USER"));
}

TEST_CASE("find_executable searches PATH in order") {
  const std::set<std::string> files = {"/usr/bin/id", "/bin/id", "/bin/sh", "./local"};
  const auto exists = [&](const std::string& p) { return files.count(p) > 0; };
  CHECK(find_executable("id", std::string("/usr/bin:/bin"), exists) == "/usr/bin/id");
  CHECK(find_executable("sh", std::string("/usr/bin:/bin/"), exists) == "/bin/sh");
  CHECK_FALSE(find_executable("nope", std::string("/usr/bin:/bin"), exists));
  CHECK(find_executable("id", std::nullopt, exists) == "/usr/bin/id");  // default PATH
  CHECK(find_executable("local", std::string("/usr/bin::"), exists) == "./local");  // empty entry = cwd
  CHECK(find_executable("/opt/x", std::string("/bin"), exists) == "/opt/x");  // a slash: no search
  CHECK(find_executable("./x", std::string("/bin"), exists) == "./x");
  CHECK_FALSE(find_executable("", std::string("/bin"), exists));
}

TEST_CASE("is_executable_file") {
  CHECK(is_executable_file("/bin/sh"));
  CHECK_FALSE(is_executable_file("/etc/passwd"));
  CHECK_FALSE(is_executable_file("/bin"));
  CHECK_FALSE(is_executable_file("/does/not/exist"));
}

TEST_CASE("c_string_array is NULL-terminated") {
  std::vector<std::string> args = {"a", "bc"};
  const auto argv = c_string_array(args);
  REQUIRE(argv.size() == 3);
  CHECK(std::string(argv[1]) == "bc");
  CHECK(argv[2] == nullptr);
}
