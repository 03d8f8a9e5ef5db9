#include "runtime/state_store.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/atomic_file.hpp"
#include "runtime/errors.hpp"

using namespace runz::runtime;

namespace {

struct TempRoot {
  std::filesystem::path path;
  TempRoot() {
    char dir_template[] = "/tmp/runz-store-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    path = dir_template;
  }
  ~TempRoot() { std::filesystem::remove_all(path); }
};

ContainerRecord sample(const std::string& id) {
  ContainerRecord record;
  record.id = id;
  record.bundle = "/b";
  record.rootfs = "/b/rootfs";
  record.created = "2026-01-01T00:00:00.5Z";
  record.annotations = {{"a", "b"}};
  record.status = Status::Created;
  record.monitor = HostProcess{42, 4242};
  return record;
}

int wait_child(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("records round-trip, and the monitor's files win") {
  TempRoot root;
  StateStore store(root.path);
  store.ensure_root();
  const ContainerLock lock = store.claim("c1");
  store.save(sample("c1"));
  ContainerRecord loaded = store.load("c1");
  CHECK(loaded.bundle == "/b");
  CHECK(loaded.annotations.at("a") == "b");
  CHECK(loaded.status == Status::Created);
  CHECK(loaded.monitor->start_time == 4242);
  CHECK_FALSE(loaded.zone);

  store.save_zone("c1", ZoneRecord{7, "uuid-1", {HostProcess{99, 100}}, {ZoneDevice{"9pfs", 2}}});
  store.save_exit("c1", ExitRecord{ZoneExit{143, 15}});
  loaded = store.load("c1");
  REQUIRE(loaded.zone);
  CHECK(loaded.zone->domid == 7);
  CHECK(loaded.zone->uuid == "uuid-1");
  CHECK(loaded.zone->helpers.at(0).start_time == 100);
  CHECK(loaded.zone->devices == std::vector<ZoneDevice>{{"9pfs", 2}});
  REQUIRE(loaded.exit);
  CHECK(loaded.exit->exit.status == 143);
  CHECK(*loaded.exit->exit.signal == 15);

  CHECK(store.list() == std::vector<std::string>{"c1"});
  CHECK_THROWS_AS(store.load("nope"), ContainerNotExist);
  CHECK_THROWS_AS(store.lock("nope"), ContainerNotExist);
  store.remove("c1", lock);
  CHECK_FALSE(std::filesystem::exists(root.path / "c1"));
  CHECK(store.list().empty());
}

TEST_CASE("atomic writes leave no temp file and readers never see a torn file") {
  TempRoot root;
  const auto path = root.path / "state.json";
  write_file_atomic(path, "{\"n\":0}");
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop) {
      const auto text = read_file_if_exists(path);
      try {
        if (!text || !nlohmann::json::parse(*text).contains("n")) ++torn;
      } catch (...) {
        ++torn;
      }
    }
  });
  const std::string padding(20000, 'x');
  for (int i = 1; i <= 200; ++i) write_file_atomic(path, nlohmann::json{{"n", i}, {"pad", padding}}.dump());
  stop = true;
  reader.join();
  CHECK(torn == 0);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(root.path)) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("pid files: what write_pid_file writes, read_pid_file reads; garbage and absence are errors") {
  TempRoot root;
  const auto path = root.path / "pid";
  write_pid_file(path, 4242);
  CHECK(read_pid_file(path) == 4242);
  write_file_atomic(path, "17\n");
  CHECK(read_pid_file(path) == 17);
  for (const char* bad : {"", "x", "0", "-5", "12abc", "99999999999"}) {
    write_file_atomic(path, bad);
    CHECK_THROWS_AS(read_pid_file(path), runz::Error);
  }
  CHECK_THROWS_AS(read_pid_file(root.path / "missing"), runz::Error);
}

TEST_CASE("two processes racing to create one id: exactly one wins") {
  TempRoot root;
  StateStore store(root.path);
  store.ensure_root();
  int pipes[2];
  REQUIRE(::pipe(pipes) == 0);
  pid_t children[2];
  for (pid_t& child : children) {
    child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      char go;
      (void)::read(pipes[0], &go, 1);  // both start together
      try {
        const ContainerLock lock = store.claim("same");
        ::_exit(0);
      } catch (const ContainerExists& e) {
        ::_exit(std::string(e.what()) == "container with id exists: same" ? 10 : 20);
      } catch (...) {
        ::_exit(30);
      }
    }
  }
  ::close(pipes[0]);
  (void)::write(pipes[1], "gg", 2);
  ::close(pipes[1]);
  const int a = wait_child(children[0]);
  const int b = wait_child(children[1]);
  CHECK(((a == 0 && b == 10) || (a == 10 && b == 0)));
}

TEST_CASE("the container lock serialises commands, and a deleted container reads as gone") {
  TempRoot root;
  StateStore store(root.path);
  store.ensure_root();
  { const ContainerLock claim = store.claim("c1"); }
  store.save(sample("c1"));

  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const ContainerLock lock = store.lock("c1");
    (void)::write(ready[1], "x", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    store.remove("c1", lock);
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(store.lock("c1"), ContainerNotExist);  // waited for the holder, then saw the removal
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
  CHECK(wait_child(child) == 0);
  ::close(ready[0]);
  ::close(ready[1]);
}
