// TaskService against a stand-in for the `runz` CLI (a shell script), because real zones need Xen: checks
// the shim's own logic — pid file, exit observation as a subreaper, Wait, Delete, and the order of events.
#include "shim-v2/task_service.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <google/protobuf/message.h>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/state_store.hpp"
#include "shim-v2/grpc_errors.hpp"
#include "shim-v2/proto/containerd/events/task.pb.h"

using namespace runz::shim;
using namespace std::chrono_literals;

namespace {

// create: starts a background "monitor" that exits 3 once `start` touched <root>/<id>.start (and
// <root>/<id>.hold is gone); with --console-socket, test-tty-monitor instead (test_tty_monitor.cpp); delete: SIGKILLs it. state prints runc-style JSON. exec --detach: copies the
// process file to <root>/<exec pid>.json and leaves a "holder" that exits 143 on SIGTERM, 5 once
// <root>/exec.stop exists.
constexpr const char* kFakeRuntime = R"SH(#!/bin/sh
root=$2; shift 2
if [ "$1" = "--log" ]; then shift 4; fi
verb=$1; shift
case "$verb" in
create)
  pidfile=$4; shift 4
  if [ "$1" = "--console-socket" ]; then
    setsid @TTY_MONITOR@ "$2" & shift 2
  else
    setsid sh -c "while [ ! -e '$root/$1.start' ] || [ -e '$root/$1.hold' ]; do sleep 0.02; done; exit 3" &
  fi
  echo $! > "$pidfile"; echo $! > "$root/$1.pid" ;;
start) touch "$root/$1.start" ;;
exec)
  [ "$1 $3 $4" = "--process --detach --pid-file" ] || { echo "bad exec argv: $*" >&2; exit 1; }
  setsid sh -c "trap 'exit 143' TERM; while [ ! -e '$root/exec.stop' ]; do sleep 0.02; done; exit 5" &
  cp "$2" "$root/$!.json"; echo $! > "$5" ;;
state) echo '{"id":"'$1'","status":"created","pid":1}' ;;
kill) kill -"$3" "$(cat "$root/$2.pid")" ;;
delete) kill -9 "$(cat "$root/$1.pid")" 2>/dev/null; rm -f "$root/$1.pid" ;;
*) echo "unknown verb $verb" >&2; exit 1 ;;
esac
)SH";

struct Recorder final : Publisher {
  std::mutex mu;
  std::vector<std::string> topics;
  std::vector<std::string> exit_ids;  // TaskExit.id, in order
  void publish(std::string_view topic, const google::protobuf::Message& event) override {
    std::lock_guard lock(mu);
    topics.emplace_back(topic);
    if (const auto* exit = dynamic_cast<const containerd::events::TaskExit*>(&event)) exit_ids.push_back(exit->id());
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
    std::string script = kFakeRuntime;
    script.replace(script.find("@TTY_MONITOR@"), std::strlen("@TTY_MONITOR@"), RUNZ_TEST_TTY_MONITOR);
    std::ofstream(dir / "runz") << script;
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

namespace {

ttrpc::Code code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ttrpc::RpcError& e) {
    return e.code();
  }
  return ttrpc::Code::Ok;
}

task::ExecProcessRequest exec_request(const std::string& id, const std::string& exec_id) {
  task::ExecProcessRequest r;
  r.set_id(id);
  r.set_exec_id(exec_id);
  r.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Process");
  r.mutable_spec()->set_value(R"({"args":["sh","-c","echo hi"],"cwd":"/"})");
  return r;
}

}  // namespace

TEST_CASE("exec: added, started through runz exec --detach, signalled, waited, deleted; events carry the exec id") {
  Fixture f;
  std::ofstream(f.dir / "root" / "c5.hold").close();  // the init process keeps running
  auto created = f.create("c5");
  task::StartRequest start_init;
  start_init.set_id("c5");
  f.service->start(start_init);

  f.service->exec(exec_request("c5", "e1"));
  CHECK(code_of([&] { f.service->exec(exec_request("c5", "e1")); }) == ttrpc::Code::AlreadyExists);
  CHECK(code_of([&] { f.service->exec(exec_request("c5", "../x")); }) == ttrpc::Code::InvalidArgument);
  CHECK(code_of([&] { f.service->exec(exec_request("nope", "e9")); }) == ttrpc::Code::NotFound);
  auto no_spec = exec_request("c5", "e9");
  no_spec.clear_spec();
  CHECK(code_of([&] { f.service->exec(no_spec); }) == ttrpc::Code::InvalidArgument);

  task::StateRequest sr;
  sr.set_id("c5");
  sr.set_exec_id("e1");
  CHECK(f.service->state(sr).status() == containerd::v1::types::CREATED);
  task::KillRequest kill;
  kill.set_id("c5");
  kill.set_exec_id("e1");
  kill.set_signal(15);
  CHECK(code_of([&] { f.service->kill(kill); }) == ttrpc::Code::FailedPrecondition);

  // ctr waits before it starts
  task::WaitRequest wr;
  wr.set_id("c5");
  wr.set_exec_id("e1");
  auto waited = std::async(std::launch::async, [&] { return f.service->wait(wr); });
  task::StartRequest start;
  start.set_id("c5");
  start.set_exec_id("e1");
  const auto pid = f.service->start(start).pid();
  CHECK(pid > 0);
  CHECK(pid != created.pid());
  std::ifstream copied(f.dir / "root" / (std::to_string(pid) + ".json"));
  std::string spec((std::istreambuf_iterator<char>(copied)), std::istreambuf_iterator<char>());
  CHECK(spec == exec_request("c5", "e1").spec().value());
  CHECK_FALSE(std::filesystem::exists(f.dir / "bundle" / "exec-e1.json"));  // runz read it; removed
  auto st = f.service->state(sr);
  CHECK(st.status() == containerd::v1::types::RUNNING);
  CHECK(st.id() == "e1");
  CHECK(st.pid() == pid);
  task::PidsRequest pr;
  pr.set_id("c5");
  CHECK(f.service->pids(pr).processes_size() == 2);
  CHECK(code_of([&] { f.service->start(start); }) == ttrpc::Code::FailedPrecondition);

  task::DeleteRequest del;
  del.set_id("c5");
  del.set_exec_id("e1");
  CHECK(code_of([&] { f.service->remove(del); }) == ttrpc::Code::FailedPrecondition);  // still running
  CHECK(waited.wait_for(100ms) == std::future_status::timeout);

  f.service->kill(kill);
  CHECK(waited.get().exit_status() == 143);
  st = f.service->state(sr);
  CHECK(st.status() == containerd::v1::types::STOPPED);
  CHECK(st.exit_status() == 143);
  CHECK(code_of([&] { f.service->kill(kill); }) == ttrpc::Code::NotFound);  // already finished
  auto deleted = f.service->remove(del);
  CHECK(deleted.exit_status() == 143);
  CHECK(deleted.pid() == pid);
  CHECK(code_of([&] { f.service->state(sr); }) == ttrpc::Code::NotFound);

  // a second exec that ends by itself
  f.service->exec(exec_request("c5", "e2"));
  start.set_exec_id("e2");
  f.service->start(start);
  std::ofstream(f.dir / "root" / "exec.stop").close();
  wr.set_exec_id("e2");
  CHECK(f.service->wait(wr).exit_status() == 5);

  std::filesystem::remove(f.dir / "root" / "c5.hold");
  task::WaitRequest init_wait;
  init_wait.set_id("c5");
  CHECK(f.service->wait(init_wait).exit_status() == 3);
  task::DeleteRequest del_init;
  del_init.set_id("c5");
  f.service->remove(del_init);  // e2 (exited, never deleted) goes with the task
  CHECK(f.service->task_count() == 0);
  CHECK(f.events.get() == std::vector<std::string>{"/tasks/create", "/tasks/start", "/tasks/exec-added",
                                                   "/tasks/exec-started", "/tasks/exit", "/tasks/exec-added",
                                                   "/tasks/exec-started", "/tasks/exit", "/tasks/exit",
                                                   "/tasks/delete"});
  std::lock_guard lock(f.events.mu);
  CHECK(f.events.exit_ids == std::vector<std::string>{"e1", "e2", "c5"});
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

TEST_CASE("Stats: runz events --stats of the task as cgroups v2 Metrics; runz's refusal, an exited task") {
  Fixture f;
  std::vector<std::string> asked;
  bool refuse = false;
  TaskServiceConfig config;
  config.ns = "default";
  config.runtime = RuntimeConfig{f.dir / "runz", f.dir / "root", false};
  config.publisher = &f.events;
  config.zone_usage = [&](const RuntimeConfig& runtime, const std::string& id) {
    CHECK(runtime.root == f.dir / "root");
    asked.push_back(id);
    if (refuse) throw RuntimeCommandError(
          "events", 1, RuntimeFailure{"container not running", runz::ErrorKind::FailedPrecondition, 0});
    return ZoneUsage{3'000'000, 1u << 20, 4u << 20};
  };
  f.service = std::make_unique<TaskService>(config);
  f.create("c4");
  task::StatsRequest sr;
  sr.set_id("c4");
  auto response = f.service->stats(sr);
  CHECK(asked == std::vector<std::string>{"c4"});
  CHECK(response.stats().type_url() == "io.containerd.cgroups.v2.Metrics");
  cgroup2::Metrics metrics;
  REQUIRE(metrics.ParseFromString(response.stats().value()));
  CHECK(metrics.cpu().usage_usec() == 3000);
  CHECK(metrics.memory().usage() == 1u << 20);
  CHECK(metrics.memory().usage_limit() == 4u << 20);

  // runz's refusal reaches containerd through the one error mapping
  refuse = true;
  auto code_of = [&] {
    try {
      f.service->stats(sr);
    } catch (...) {
      return to_status(std::current_exception()).code;
    }
    return ttrpc::Code::Ok;
  };
  CHECK(code_of() == ttrpc::Code::FailedPrecondition);

  refuse = false;
  task::StartRequest start;
  start.set_id("c4");
  f.service->start(start);
  task::WaitRequest wr;
  wr.set_id("c4");
  f.service->wait(wr);
  CHECK(code_of() == ttrpc::Code::NotFound);  // exited: runz is not asked
  CHECK(asked.size() == 2);
  task::DeleteRequest del;
  del.set_id("c4");
  f.service->remove(del);
}

namespace {

// Reads `fd` (non-blocking) until `text` appeared in what was read, for at most 10 s.
bool read_until(int fd, const std::string& text, std::string& got) {
  for (int i = 0; i < 1000 && got.find(text) == std::string::npos; ++i) {
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    else std::this_thread::sleep_for(10ms);
  }
  return got.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("terminal task: the pty master from the console socket is copied to the fifos and resized") {
  Fixture f;
  const auto in_fifo = f.dir / "stdin", out_fifo = f.dir / "stdout";
  REQUIRE(::mkfifo(in_fifo.c_str(), 0600) == 0);
  REQUIRE(::mkfifo(out_fifo.c_str(), 0600) == 0);
  runz::UniqueFd out(::open(out_fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));  // containerd's ends
  runz::UniqueFd in(::open(in_fifo.c_str(), O_RDWR | O_CLOEXEC));
  REQUIRE(out.valid());
  REQUIRE(in.valid());

  task::CreateTaskRequest r;
  r.set_id("tty");
  r.set_bundle((f.dir / "bundle").string());
  r.set_terminal(true);
  r.set_stdin(in_fifo.string());
  r.set_stdout(out_fifo.string());
  f.service->create(r);
  CHECK_FALSE(std::filesystem::exists(f.dir / "bundle" / "console.sock"));  // received, and gone

  task::StateRequest sr;
  sr.set_id("tty");
  CHECK(f.service->state(sr).terminal());

  task::ResizePtyRequest resize;
  resize.set_id("tty");
  resize.set_width(132);
  resize.set_height(43);
  f.service->resize_pty(resize);
  const std::string typed = "hello\nsize\n";
  REQUIRE(::write(in.get(), typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
  std::string got;
  CHECK(read_until(out.get(), "size=43x132", got));
  CHECK(got.find("got=hello") != std::string::npos);

  task::WaitRequest wr;
  wr.set_id("tty");
  const std::string exit = "exit 7\n";
  REQUIRE(::write(in.get(), exit.data(), exit.size()) == static_cast<ssize_t>(exit.size()));
  CHECK(f.service->wait(wr).exit_status() == 7);

  // a task without a terminal cannot be resized
  f.create("plain");
  resize.set_id("plain");
  CHECK(code_of([&] { f.service->resize_pty(resize); }) == ttrpc::Code::FailedPrecondition);
  for (const char* id : {"tty", "plain"}) {
    task::DeleteRequest del;
    del.set_id(id);
    f.service->remove(del);
  }
}
