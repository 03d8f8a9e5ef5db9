#include "runtime/standin_namespaces.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

spec::Config config_with(std::vector<spec::Namespace> namespaces) {
  spec::Config c;
  c.linux_.emplace();
  c.linux_->namespaces = std::move(namespaces);
  return c;
}

std::string ns_of(pid_t pid, const char* type) {
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/" + type).string();
}

// Runs `body` in a forked child (namespaces change the whole process); its exit status, 0 when it held.
int in_child(const std::function<bool()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    bool ok = false;
    try {
      ok = body();
    } catch (...) {
    }
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool can_unshare_uts() {
  return in_child([] { return ::unshare(CLONE_NEWUTS) == 0; }) == 0;
}

}  // namespace

TEST_CASE("uts, ipc, cgroup without a path: new ones, unlike the caller's; network and mount untouched") {
  if (!can_unshare_uts()) {
    MESSAGE("skipped: this kernel refuses unshare(CLONE_NEWUTS) here");
    return;
  }
  const pid_t parent = ::getpid();
  CHECK(in_child([&] {
          enter_standin_namespaces(config_with({{"uts", ""}, {"ipc", ""}, {"cgroup", ""}, {"mount", ""}}));
          const pid_t self = ::getpid();
          return ns_of(self, "uts") != ns_of(parent, "uts") && ns_of(self, "ipc") != ns_of(parent, "ipc") &&
                 ns_of(self, "cgroup") != ns_of(parent, "cgroup") && ns_of(self, "mnt") == ns_of(parent, "mnt") &&
                 ns_of(self, "net") == ns_of(parent, "net");
        }) == 0);
}

TEST_CASE("with a path: that namespace is joined") {
  if (!can_unshare_uts()) {
    MESSAGE("skipped: this kernel refuses unshare(CLONE_NEWUTS) here");
    return;
  }
  // a process in a new uts namespace stands for "another container's"
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t other = ::fork();
  if (other == 0) {
    const bool ok = ::unshare(CLONE_NEWUTS | CLONE_NEWIPC) == 0;
    (void)!::write(ready[1], ok ? "y" : "n", 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  REQUIRE(c == 'y');
  const std::string proc = "/proc/" + std::to_string(other) + "/ns/";
  CHECK(in_child([&] {
          enter_standin_namespaces(config_with({{"uts", proc + "uts"}, {"ipc", proc + "ipc"}}));
          const pid_t self = ::getpid();
          return ns_of(self, "uts") == ns_of(other, "uts") && ns_of(self, "ipc") == ns_of(other, "ipc");
        }) == 0);
  ::kill(other, SIGKILL);
  ::waitpid(other, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("a path that cannot be joined: the error names config.json, the entry and the path") {
  try {
    enter_standin_namespaces(config_with({{"ipc", "/nonexistent/ns/ipc"}}));
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("config.json: linux.namespaces: ipc") != std::string::npos);
    CHECK(what.find("/nonexistent/ns/ipc") != std::string::npos);
    CHECK(e.kind() == ErrorKind::InvalidArgument);
  }
}

}  // namespace runz::runtime
