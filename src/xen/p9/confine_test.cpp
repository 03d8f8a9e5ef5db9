// Confinement of the backend process. The mask and status parsing run anywhere; confining needs root (a
// mount namespace, pivot_root, capset), so those cases run in a forked child and are skipped otherwise.
#include "xen/p9/confine.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "xen/p9/export.hpp"
#include "xen/p9/node_ops.hpp"

using namespace runz::p9;

namespace {
// Forks; the child returns `body()`'s bit mask of failed checks as its exit status (100: it threw).
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 100;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// Confining needs CAP_SYS_ADMIN (and root for the files below): a root without it (an unprivileged
// container) skips as an unprivileged user does.
bool can_confine() {
  std::ifstream in("/proc/self/status");
  std::stringstream text;
  text << in.rdbuf();
  const uint64_t eff = std::strtoull(status_field(text.str(), "CapEff").c_str(), nullptr, 16);
  return ::geteuid() == 0 && (eff & (uint64_t{1} << CAP_SYS_ADMIN)) != 0;
}

// Who the tests' confined children run as: as runz's default for a zone with domid 1.
constexpr BackendUser kTestUser{0x70000001, 0x70000001};

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("p9_confine_test." + std::to_string(::getpid()));
  TempDir() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace

TEST_CASE("capability masks are the bits CapEff shows") {
  CHECK(capability_mask(kBackendCapabilities) == 0xb);  // CAP_CHOWN 0, CAP_DAC_OVERRIDE 1, CAP_FOWNER 3
  const int none[] = {-1, 64};
  CHECK(capability_mask(none) == 0);
}

TEST_CASE("status_field finds a field's value, trimmed") {
  const std::string text = "Name:\trunz-p9-backend\nThreads:\t1\nCapEff:\t000000000000000b\nSeccomp:\t2\n";
  CHECK(status_field(text, "Threads") == "1");
  CHECK(status_field(text, "CapEff") == "000000000000000b");
  CHECK(status_field(text, "Seccomp") == "2");
  CHECK(status_field(text, "Cap") == "");
  CHECK(status_field(text, "Missing") == "");
}

TEST_CASE("a confined process runs as its own user and still serves a writable export with its three capabilities") {
  if (!can_confine()) {
    MESSAGE("skipped: confining needs root with CAP_SYS_ADMIN");
    return;
  }
  TempDir dir;
  const auto file = dir.path / "theirs";
  std::ofstream(file) << "x";
  REQUIRE(::chown(file.c_str(), 1000, 1000) == 0);
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  std::ofstream(dir.path / "roots") << "y";
  REQUIRE(::chmod((dir.path / "roots").c_str(), 0600) == 0);
  std::filesystem::create_directory(dir.path / "private");
  REQUIRE(::chown((dir.path / "private").c_str(), 1000, 1000) == 0);
  REQUIRE(::chmod((dir.path / "private").c_str(), 0700) == 0);
  const std::string root = dir.path.string();
  CHECK(in_child([&] {
          Export e = Export::adopt_directory(clone_export_tree(root, true, false), root, false);
          Export ro = Export::adopt_directory(clone_export_tree(root, true, true), root, true);
          confine_process(kTestUser);
          int code = 0;
          uid_t ruid = 0, euid = 0, suid = 0;
          gid_t rgid = 0, egid = 0, sgid = 0;
          if (::getresuid(&ruid, &euid, &suid) != 0 || ruid != kTestUser.uid || euid != kTestUser.uid ||
              suid != kTestUser.uid)
            code |= 64;
          if (::getresgid(&rgid, &egid, &sgid) != 0 || rgid != kTestUser.gid || egid != kTestUser.gid ||
              sgid != kTestUser.gid || ::getgroups(0, nullptr) != 0)
            code |= 128;
          const runz::UniqueFd theirs = e.lookup({"theirs"});
          try {
            (void)reopen_node(theirs.get(), O_RDWR);  // CAP_DAC_OVERRIDE
          } catch (...) {
            code |= 1;
          }
          try {
            chmod_node(theirs.get(), 0640);  // CAP_FOWNER
          } catch (...) {
            code |= 2;
          }
          if (::fchownat(theirs.get(), "", 2000, 2000, AT_EMPTY_PATH) != 0) code |= 4;  // CAP_CHOWN
          const runz::UniqueFd priv = e.lookup({"private"});
          runz::UniqueFd made(openat_beneath(priv.get(), "new", O_CREAT | O_WRONLY, 0600));
          if (!made) code |= 8;
          const runz::UniqueFd ro_root = ro.lookup({});
          if (openat_beneath(ro_root.get(), "nope", O_CREAT | O_WRONLY, 0600) != -1 || errno != EROFS) code |= 16;
          if (::open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1) code |= 32;
          // A root-owned 0600 file in the export: still the service's to read and write (CAP_DAC_OVERRIDE).
          try {
            (void)reopen_node(e.lookup({"roots"}).get(), O_RDWR);
          } catch (...) {
            code |= 256;
          }
          return code;
        }) == 0);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK(st.st_uid == 2000);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(::stat((dir.path / "private" / "new").c_str(), &st) == 0);
  CHECK(st.st_uid == kTestUser.uid);  // made as the backend's user; the server then chowns it (chown_new)
  CHECK_FALSE(std::filesystem::exists(dir.path / "nope"));
}

TEST_CASE("a root that cannot be pivoted away from (not a mount of its own) is replaced by chroot") {
  if (!can_confine()) {
    MESSAGE("skipped: confining needs root with CAP_SYS_ADMIN");
    return;
  }
  TempDir dir;
  std::filesystem::create_directories(dir.path / "proc");
  std::filesystem::create_directories(dir.path / "export");
  const std::string root = dir.path.string();
  CHECK(in_child([&] {
          // As a dom0 that chroots into a directory: this child's root is not a mount point.
          if (::unshare(CLONE_NEWNS) != 0) return 1;
          if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 1;
          if (::mount("proc", (root + "/proc").c_str(), "proc", 0, nullptr) != 0) return 2;
          Export e = Export::adopt_directory(clone_export_tree(root + "/export", true, false), root, false);
          if (::chroot(root.c_str()) != 0 || ::chdir("/") != 0) return 3;
          if (confine_process(kTestUser) != RootSwitch::kChroot) return 4;
          if (::open("/export", O_PATH | O_CLOEXEC) != -1) return 5;  // the old root's entries are gone
          if (::open("/proc/self", O_PATH | O_CLOEXEC) != -1) return 6;
          runz::UniqueFd made(openat_beneath(e.lookup({}).get(), "new", O_CREAT | O_WRONLY, 0600));
          return made ? 0 : 7;
        }) == 0);
  CHECK(std::filesystem::exists(dir.path / "export" / "new"));
}

TEST_CASE("confining refuses a process that already runs a second thread") {
  if (!can_confine()) {
    MESSAGE("skipped: confining needs root with CAP_SYS_ADMIN");
    return;
  }
  CHECK(in_child([] {
          std::atomic<bool> stop{false};
          std::thread t([&] {
            while (!stop) ::usleep(1000);
          });
          int code = 1;
          try {
            confine_process(kTestUser);
          } catch (const runz::Error&) {
            code = 0;
          }
          stop = true;
          t.join();
          return code;
        }) == 0);
}

TEST_CASE("confining refuses to run on as root") {
  if (!can_confine()) {
    MESSAGE("skipped: confining needs root with CAP_SYS_ADMIN");
    return;
  }
  CHECK(in_child([] {
          try {
            confine_process(BackendUser{0, 0});
          } catch (const runz::Error& e) {
            return std::string(e.what()).find("may not run on as root") != std::string::npos ? 0 : 2;
          }
          return 1;
        }) == 0);
}
