// TaskService against a stand-in for the `runz` CLI (a shell script), because real zones need Xen: checks
// the shim's own logic — pid file, exit observation as a subreaper, Wait, Delete, and the order of events.
#include "shim-v2/task_service.hpp"

#include <doctest/doctest.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <google/protobuf/message.h>
#include <mutex>
#include <vector>

#include "runtime/state_store.hpp"

using namespace runz::shim;
using namespace std::chrono_literals;

namespace {

// create: starts a background "monitor" that exits 3 once `start` touched <root>/<id>.start;
// delete: SIGKILLs it. state prints runc-style JSON.
constexpr const char* kFakeRuntime = R"SH(#!/bin/sh
root=$2; shift 2
if [ "$1" = "--log" ]; then shift 4; fi
verb=$1; shift
case "$verb" in
create)
  pidfile=$4; id=$5
  setsid sh -c "while [ ! -e '$root/$id.start' ]; do sleep 0.02; done; exit 3" &
  echo $! > "$pidfile"; echo $! > "$root/$id.pid" ;;
start) touch "$root/$1.start" ;;
state) echo '{"id":"'$1'","status":"created","pid":1}' ;;
kill) kill -"$3" "$(cat "$root/$2.pid")" ;;
delete) kill -9 "$(cat "$root/$1.pid")" 2>/dev/null; rm -f "$root/$1.pid" ;;
*) echo "unknown verb $verb" >&2; exit 1 ;;
esac
)SH";

struct Recorder final : Publisher {
  std::mutex mu;
  std::vector<std::string> topics;
  void publish(std::string_view topic, const google::protobuf::Message&) override {
    std::lock_guard lock(mu);
    topics.emplace_back(topic);
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return topics;
  }
};

struct Fixture {
  std::filesystem::path dir;
  Recorder events;
  std::unique_ptr<TaskService> service;
  Fixture() {
    char tmpl[] = "/tmp/runz-shim-task-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    std::filesystem::create_directories(dir / "root");
    std::filesystem::create_directories(dir / "bundle");
    std::ofstream(dir / "runz") << kFakeRuntime;
    std::filesystem::permissions(dir / "runz", std::filesystem::perms::owner_all);
    // Monitors are re-parented to the shim: in this test, to the test process.
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    TaskServiceConfig config;
    config.ns = "default";
    config.runtime = RuntimeConfig{dir / "runz", dir / "root", false};
    config.publisher = &events;
    service = std::make_unique<TaskService>(config);
  }
  ~Fixture() {
    service.reset();
    std::filesystem::remove_all(dir);
  }
  task::CreateTaskResponse create(const std::string& id) {
    task::CreateTaskRequest r;
    r.set_id(id);
    r.set_bundle((dir / "bundle").string());
    return service->create(r);
  }
};

}  // namespace

TEST_CASE("task lifecycle: create, state, start, wait, kill after exit, delete; events in order") {
  Fixture f;
  auto created = f.create("c1");
  CHECK(created.pid() > 0);
  CHECK_THROWS_AS(f.create("c1"), ttrpc::RpcError);  // AlreadyExists

  task::StateRequest sr;
  sr.set_id("c1");
  auto st = f.service->state(sr);
  CHECK(st.status() == containerd::v1::types::CREATED);
  CHECK(st.pid() == created.pid());

  task::WaitRequest wr;
  wr.set_id("c1");
  auto waited = std::async(std::launch::async, [&] { return f.service->wait(wr); });
  CHECK(waited.wait_for(100ms) == std::future_status::timeout);

  task::StartRequest start;
  start.set_id("c1");
  CHECK(f.service->start(start).pid() == created.pid());
  auto w = waited.get();
  CHECK(w.exit_status() == 3);
  CHECK(w.exited_at().seconds() > 0);

  st = f.service->state(sr);
  CHECK(st.status() == containerd::v1::types::STOPPED);
  CHECK(st.exit_status() == 3);

  task::KillRequest kill;
  kill.set_id("c1");
  kill.set_signal(9);
  try {
    f.service->kill(kill);
    FAIL("expected NotFound");
  } catch (const ttrpc::RpcError& e) {
    CHECK(e.code() == ttrpc::Code::NotFound);
  }

  task::DeleteRequest del;
  del.set_id("c1");
  auto deleted = f.service->remove(del);
  CHECK(deleted.exit_status() == 3);
  CHECK(deleted.pid() == created.pid());
  CHECK(f.service->task_count() == 0);
  CHECK_THROWS_AS(f.service->state(sr), ttrpc::RpcError);
  CHECK(f.events.get() == std::vector<std::string>{"/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"});
}

TEST_CASE("task never started: Delete ends the monitor and reports its SIGKILL") {
  Fixture f;
  f.create("c2");
  task::DeleteRequest del;
  del.set_id("c2");
  auto deleted = f.service->remove(del);
  CHECK(deleted.exit_status() == 137);
  CHECK(f.events.get() == std::vector<std::string>{"/tasks/create", "/tasks/exit", "/tasks/delete"});
}

TEST_CASE("exec ids, Pids, Connect, Shutdown with tasks left") {
  Fixture f;
  auto created = f.create("c3");
  task::StateRequest sr;
  sr.set_id("c3");
  sr.set_exec_id("e1");
  CHECK_THROWS_AS(f.service->state(sr), ttrpc::RpcError);
  task::PidsRequest pr;
  pr.set_id("c3");
  auto pids = f.service->pids(pr);
  REQUIRE(pids.processes_size() == 1);
  CHECK(pids.processes(0).pid() == created.pid());
  task::ConnectRequest cr;
  cr.set_id("c3");
  CHECK(f.service->connect(cr).task_pid() == created.pid());
  bool exit_requested = false;
  f.service->shutdown(task::ShutdownRequest());  // a task is left: ignored (no request_exit configured anyway)
  CHECK_FALSE(exit_requested);
  task::DeleteRequest del;
  del.set_id("c3");
  f.service->remove(del);
}

TEST_CASE("Stats: the recorded zone's usage as cgroups v2 Metrics; no zone, gone domain, exited task") {
  Fixture f;
  std::vector<runz::runtime::ZoneRecord> asked;
  TaskServiceConfig config;
  config.ns = "default";
  config.runtime = RuntimeConfig{f.dir / "runz", f.dir / "root", false};
  config.publisher = &f.events;
  config.zone_usage = [&](const runz::runtime::ZoneRecord& zone) {
    asked.push_back(zone);
    if (zone.domid == 99) throw runz::Error("zone domain 99 is gone", ENOENT);
    return ZoneUsage{3'000'000, 1u << 20, 4u << 20};
  };
  f.service = std::make_unique<TaskService>(config);
  f.create("c4");
  task::StatsRequest sr;
  sr.set_id("c4");
  auto code_of = [&] {
    try {
      f.service->stats(sr);
    } catch (const ttrpc::RpcError& e) {
      return e.code();
    }
    return ttrpc::Code::Ok;
  };
  // The stand-in runtime keeps no state: no record at all.
  CHECK(code_of() == ttrpc::Code::NotFound);

  runz::runtime::StateStore store(f.dir / "root");
  auto lock = store.claim("c4");
  runz::runtime::ContainerRecord record;
  record.id = "c4";
  record.bundle = (f.dir / "bundle").string();
  store.save(record);
  CHECK(code_of() == ttrpc::Code::FailedPrecondition);  // no zone recorded

  store.save_zone("c4", runz::runtime::ZoneRecord{5, "8f0a4c3e-1b2d-4e5f-9a6b-7c8d9e0f1a2b", {}});
  auto response = f.service->stats(sr);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].domid == 5);
  CHECK(response.stats().type_url() == "io.containerd.cgroups.v2.Metrics");
  cgroup2::Metrics metrics;
  REQUIRE(metrics.ParseFromString(response.stats().value()));
  CHECK(metrics.cpu().usage_usec() == 3000);
  CHECK(metrics.memory().usage() == 1u << 20);
  CHECK(metrics.memory().usage_limit() == 4u << 20);

  store.save_zone("c4", runz::runtime::ZoneRecord{99, "8f0a4c3e-1b2d-4e5f-9a6b-7c8d9e0f1a2b", {}});
  CHECK(code_of() == ttrpc::Code::NotFound);

  task::StartRequest start;
  start.set_id("c4");
  f.service->start(start);
  task::WaitRequest wr;
  wr.set_id("c4");
  f.service->wait(wr);
  CHECK(code_of() == ttrpc::Code::NotFound);  // exited
  task::DeleteRequest del;
  del.set_id("c4");
  f.service->remove(del);
}
