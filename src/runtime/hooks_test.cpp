#include "runtime/hooks.hpp"

#include <doctest/doctest.h>

#include "runtime/test_support.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

using namespace runz::runtime;
using runz::spec::Hook;

namespace {

using runz::runtime::test::slurp;
using runz::runtime::test::TempDir;

Hook shell(const std::string& script) { return Hook{"/bin/sh", {"sh", "-c", script}, {"HOOKVAR=yes"}, std::nullopt}; }

}  // namespace

TEST_CASE("a hook gets the state on stdin, its args and only its env") {
  TempDir dir;
  const auto out = dir.path / "out";
  ::setenv("RUNZ_HOOK_LEAK", "leaked", 1);
  run_hook(shell("cat > " + out.string() + "; echo \"$HOOKVAR:$0:${RUNZ_HOOK_LEAK:-unset}\" >> " + out.string()),
           "{\"id\":\"c1\"}");
  CHECK(slurp(out) == "{\"id\":\"c1\"}yes:sh:unset\n");
}

TEST_CASE("a failing hook names its path, status and output") {
  CHECK_THROWS_WITH(run_hook(shell("echo broken >&2; exit 3"), "{}"),
                    doctest::Contains("hook `/bin/sh`: exit status 3, output: broken"));
  CHECK_THROWS_WITH(run_hook(Hook{"/nonexistent/hook", {}, {}, std::nullopt}, "{}"),
                    doctest::Contains("/nonexistent/hook"));
}

TEST_CASE("a hook past its timeout is killed") {
  Hook slow = shell("sleep 30");
  slow.timeout = 1;
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(run_hook(slow, "{}"), doctest::Contains("timed out after 1s"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("run_hooks runs a point's hooks in order and stops at the first failure") {
  TempDir dir;
  const auto out = dir.path / "order";
  runz::spec::Hooks hooks;
  hooks.create_runtime = {shell("echo one >> " + out.string()), shell("exit 1"), shell("echo three >> " + out.string())};
  CHECK_THROWS_WITH(run_hooks(hooks, HookPoint::CreateRuntime, "{}"), doctest::Contains("createRuntime: hook"));
  CHECK(slurp(out) == "one\n");
  CHECK_NOTHROW(run_hooks(hooks, HookPoint::Poststop, "{}"));
}
