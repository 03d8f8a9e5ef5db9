// The lifecycle through the real monitor path: a forked monitor, its unix socket, the state dir. The zone is
// a test double (this file only) whose "process" runs between start() and a signal.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/test_support.hpp"

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "runtime/container_ops.hpp"
#include "runtime/errors.hpp"
#include "runtime/monitor_client.hpp"
#include "runtime/process_identity.hpp"
#include "spec/parse.hpp"
#include "spec/default_spec.hpp"

using namespace runz::runtime;

namespace {

using runz::runtime::test::slurp;
using runz::runtime::test::TempDir;

// A process that exits when signalled (128+signal), or by itself with `exit_after_start` once started.
class FakeZone final : public Zone {
 public:
  FakeZone(ZoneRecord record, std::optional<int> exit_after_start, std::filesystem::path marker)
      : record_(std::move(record)), exit_after_start_(exit_after_start), marker_(std::move(marker)) {}
  ~FakeZone() override { std::ofstream(marker_ / "zone-destroyed") << "yes"; }

  ZoneRecord record() const override { return record_; }
  void start() override {
    std::lock_guard lock(mutex_);
    if (started_) throw runz::Error("already started");
    started_ = true;
    if (exit_after_start_) finish(ZoneExit{*exit_after_start_, std::nullopt});
  }
  void signal(int sig, bool) override {
    std::lock_guard lock(mutex_);
    if (sig == 0 || sig == SIGCONT || sig == SIGWINCH) return;
    finish(ZoneExit{128 + sig, sig});
  }
  void pause() override {}
  void resume() override {}
  // An exec'd "process" writes its argv to its stdout and ends with the status given as its last argument.
  ExecStarted exec(const runz::spec::Process& process, ZoneStdio stdio, std::function<void(ZoneExit)> on_exit,
                   std::optional<uint32_t>) override {
    std::lock_guard lock(mutex_);
    if (!started_) throw runz::Error("not started");
    std::string line;
    for (const auto& arg : process.args) line += arg + " ";
    line += "\n";
    if (stdio.out) (void)!::write(stdio.out.get(), line.data(), line.size());
    const uint32_t handle = next_handle_++;
    const int status = std::stoi(process.args.back());
    execs_.emplace_back([on_exit, status] { on_exit(ZoneExit{status, std::nullopt}); });
    return ExecStarted{handle, 100 + static_cast<int32_t>(handle)};
  }
  void signal_exec(uint32_t, int) override {}
  // A pod's further container: its process exits, with the status given as its last argument, when started
  // (OOM-killed with the annotation test.oom-killed); what happened is appended to marker/members.
  ExecStarted add_container(const ZoneConfig& member, ZoneStdio, std::function<void(ZoneExit)> on_exit) override {
    std::lock_guard lock(mutex_);
    const uint32_t handle = next_handle_++;
    const ZoneExit exit{std::stoi(member.config.process->args.back()), std::nullopt,
                        member.config.annotations.contains("test.oom-killed")};
    members_[handle] = {exit, std::move(on_exit)};
    std::ofstream(marker_ / "members", std::ios::app) << "add " << member.id << "\n";
    return ExecStarted{handle, 200 + static_cast<int32_t>(handle)};
  }
  void start_container(uint32_t handle) override {
    std::pair<ZoneExit, std::function<void(ZoneExit)>> member;
    {
      std::lock_guard lock(mutex_);
      member = std::move(members_.at(handle));
    }
    member.second(member.first);
  }
  void signal_container(uint32_t, int, bool) override {}
  ZoneUsage change_container(uint32_t, const ContainerChange&) override { return {}; }
  void remove_container(uint32_t handle) noexcept override {
    std::ofstream(marker_ / "members", std::ios::app) << "remove " << handle << "\n";
  }
  ZoneUsage usage() override { return ZoneUsage{123456789, 40960, 81920}; }
  // What it was given, for the test (this runs in the forked monitor): as JSON in marker/updated.
  void update(const runz::spec::Resources& resources) override {
    if (resources.memory && resources.memory->limit && *resources.memory->limit > 1 << 30)
      throw runz::Error("more than the zone booted with");
    std::ofstream(marker_ / "updated") << runz::spec::to_json(resources).dump();
  }
  ZoneExit wait_exit() override {
    std::unique_lock lock(mutex_);
    exited_cv_.wait(lock, [&] { return exit_.has_value(); });
    return *exit_;
  }

 private:
  void finish(ZoneExit exit) {
    if (!exit_) exit_ = exit;
    exited_cv_.notify_all();
  }

  ZoneRecord record_;
  std::optional<int> exit_after_start_;
  std::filesystem::path marker_;
  std::mutex mutex_;
  std::condition_variable exited_cv_;
  bool started_ = false;
  std::optional<ZoneExit> exit_;
  uint32_t next_handle_ = 2;
  std::map<uint32_t, std::pair<ZoneExit, std::function<void(ZoneExit)>>> members_;
  std::vector<std::jthread> execs_;  // each reports its exit from a thread of its own, as a zone's pump does
};

class FakeFactory final : public ZoneFactory {
 public:
  explicit FakeFactory(std::filesystem::path marker) : marker_(std::move(marker)) {}

  void check_host() const override {}
  std::unique_ptr<Zone> create(const ZoneConfig& cfg, ZoneStdio,
                               const std::function<void(const ZoneRecord&)>& on_record) override {
    ZoneRecord record{7, "fake-uuid-" + cfg.id, {}, {}};
    on_record(record);  // the "domain" exists from here on
    std::optional<int> exit_after_start;
    const auto it = cfg.config.annotations.find("test.exit-after-start");
    if (it != cfg.config.annotations.end()) exit_after_start = std::stoi(it->second);
    return std::make_unique<FakeZone>(record, exit_after_start, marker_);
  }
  void cleanup(const ZoneRecord& record) noexcept override { cleaned.push_back(record); }

  std::vector<ZoneRecord> cleaned;  // cleanup runs in the CLI (this process), so the test can see it

 private:
  std::filesystem::path marker_;
};

struct Fixture {
  TempDir tmp;
  std::filesystem::path root = tmp.path / "root";
  std::filesystem::path bundle = tmp.path / "bundle";
  FakeFactory factory{tmp.path};
  Runtime rt{StateStore(root), factory, Logger(tmp.path / "log.json", LogFormat::Json, true), tmp.path};

  Fixture() { configure(); }

  void configure(const nlohmann::json& annotations = nlohmann::json::object(), const nlohmann::json& hooks = {}) {
    std::filesystem::create_directories(bundle / "rootfs");
    nlohmann::json config = runz::spec::default_spec(false);
    config["process"]["terminal"] = false;
    config["annotations"] = annotations;
    config["hooks"] = hooks.is_null() ? nlohmann::json::object() : hooks;
    std::ofstream(bundle / "config.json") << config.dump();
  }

  nlohmann::json hook_appending(const std::string& word) const {
    return {{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo " + word + " >> " + (tmp.path / "hooks").string()}}};
  }

  runz::spec::State wait_for(const std::string& id, Status status) const {
    for (int i = 0; i < 500; ++i) {
      const runz::spec::State state = container_state(rt, id);
      if (state.status == status) return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("container never reached " << runz::spec::to_string(status));
    return {};
  }
};

}  // namespace

TEST_CASE("monitor lifecycle: create, state created, duplicate id, delete of a created container") {
  Fixture f;
  f.configure({}, {{"poststop", {f.hook_appending("poststop")}}, {"createRuntime", {f.hook_appending("createRuntime")}}});
  CHECK_FALSE(std::filesystem::exists(f.root));

  CreateOptions options;
  options.id = "c1";
  options.bundle = f.bundle;
  options.pid_file = f.tmp.path / "c1.pid";
  const HostProcess monitor = create_container(f.rt, options);
  CHECK(is_alive(monitor));
  CHECK(slurp(f.tmp.path / "c1.pid") == std::to_string(monitor.pid));
  CHECK(slurp(f.tmp.path / "hooks") == "createRuntime\n");

  runz::spec::State state = container_state(f.rt, "c1");
  CHECK(state.status == Status::Created);
  CHECK(state.pid == monitor.pid);
  CHECK(state.bundle == f.bundle.string());
  CHECK(f.rt.store.load("c1").zone->uuid == "fake-uuid-c1");
  CHECK_THROWS_WITH_AS(create_container(f.rt, options), "container with id exists: c1", ContainerExists);

  delete_container(f.rt, "c1", false);  // like runc, a created container is deleted without --force
  CHECK_FALSE(is_alive(monitor));
  CHECK_FALSE(std::filesystem::exists(f.root / "c1"));
  CHECK(slurp(f.tmp.path / "hooks") == "createRuntime\npoststop\n");
  REQUIRE(f.factory.cleaned.size() == 1);
}

TEST_CASE("monitor lifecycle: start, refusals, kill TERM → stopped 143, delete") {
  Fixture f;
  f.configure({}, {{"poststop", {f.hook_appending("poststop")}}});
  CreateOptions options;
  options.id = "c2";
  options.bundle = f.bundle;
  const HostProcess monitor = create_container(f.rt, options);

  start_container(f.rt, "c2");
  CHECK(container_state(f.rt, "c2").status == Status::Running);
  CHECK_THROWS_WITH(start_container(f.rt, "c2"), "cannot start an already running container");
  CHECK_THROWS_WITH(delete_container(f.rt, "c2", false), "cannot delete container c2 that is not stopped: running");

  kill_container(f.rt, "c2", SIGTERM, false);
  const runz::spec::State stopped = f.wait_for("c2", Status::Stopped);
  CHECK(stopped.pid == 0);
  CHECK(wait_gone(monitor, std::chrono::seconds(5)));
  const ContainerRecord record = f.rt.store.load("c2");
  REQUIRE(record.exit);
  CHECK(record.exit->exit.status == 143);
  CHECK(slurp(f.tmp.path / "zone-destroyed") == "yes");
  CHECK_FALSE(std::filesystem::exists(f.tmp.path / "hooks"));  // poststop waits for delete, as runc's
  CHECK_THROWS_WITH(start_container(f.rt, "c2"), "cannot start a container that has stopped");
  CHECK_THROWS_AS(kill_container(f.rt, "c2", SIGTERM, false), ContainerNotRunning);

  delete_container(f.rt, "c2", false);
  CHECK_FALSE(std::filesystem::exists(f.root / "c2"));
  CHECK(slurp(f.tmp.path / "hooks") == "poststop\n");  // by delete, once
  REQUIRE(f.factory.cleaned.size() == 1);
  CHECK(f.factory.cleaned[0].uuid == "fake-uuid-c2");
  CHECK_THROWS_AS(container_state(f.rt, "c2"), ContainerNotExist);
}

TEST_CASE("kill -9 of the monitor, then delete --force cleans up from the record") {
  Fixture f;
  f.configure({}, {{"poststop", {f.hook_appending("poststop")}}});
  CreateOptions options;
  options.id = "c3";
  options.bundle = f.bundle;
  const HostProcess monitor = create_container(f.rt, options);
  start_container(f.rt, "c3");
  REQUIRE(::kill(monitor.pid, SIGKILL) == 0);
  REQUIRE(wait_gone(monitor, std::chrono::seconds(5)));

  CHECK(container_state(f.rt, "c3").status == Status::Stopped);
  CHECK_THROWS_WITH_AS(kill_container(f.rt, "c3", SIGKILL, false), "container not running", ContainerNotRunning);
  delete_container(f.rt, "c3", true);
  CHECK_FALSE(std::filesystem::exists(f.root / "c3"));
  REQUIRE(f.factory.cleaned.size() == 1);
  CHECK(f.factory.cleaned[0].domid == 7);
  CHECK(f.factory.cleaned[0].uuid == "fake-uuid-c3");
  CHECK(slurp(f.tmp.path / "hooks") == "poststop\n");
  CHECK(std::filesystem::is_empty(f.root));
}

TEST_CASE("delete --force of a live container SIGKILLs its monitor") {
  Fixture f;
  CreateOptions options;
  options.id = "c4";
  options.bundle = f.bundle;
  const HostProcess monitor = create_container(f.rt, options);
  start_container(f.rt, "c4");
  delete_container(f.rt, "c4", true);
  CHECK_FALSE(is_alive(monitor));
  CHECK_FALSE(std::filesystem::exists(f.root / "c4"));
  REQUIRE(f.factory.cleaned.size() == 1);
}

TEST_CASE("a failing createRuntime hook fails create and leaves nothing") {
  Fixture f;
  f.configure({}, {{"createRuntime", {{{"path", "/bin/false"}}}}});
  CreateOptions options;
  options.id = "c5";
  options.bundle = f.bundle;
  CHECK_THROWS_WITH(create_container(f.rt, options), doctest::Contains("createRuntime: hook `/bin/false`"));
  CHECK_FALSE(std::filesystem::exists(f.root / "c5"));
  REQUIRE(f.factory.cleaned.size() == 1);
  CHECK(f.factory.cleaned[0].uuid == "fake-uuid-c5");
}

TEST_CASE("run waits for the process and returns its exit status") {
  Fixture f;
  f.configure({{"test.exit-after-start", "3"}});
  RunOptions options;
  options.create.id = "c6";
  options.create.bundle = f.bundle;
  CHECK(run_container(f.rt, options) == 3);
  CHECK_FALSE(std::filesystem::exists(f.root / "c6"));
}

TEST_CASE("pause and resume go through the monitor") {
  Fixture f;
  CreateOptions options;
  options.id = "c7";
  options.bundle = f.bundle;
  create_container(f.rt, options);
  CHECK_THROWS_WITH(resume_container(f.rt, "c7"), "container not paused");
  start_container(f.rt, "c7");
  pause_container(f.rt, "c7");
  CHECK(container_state(f.rt, "c7").status == Status::Paused);
  CHECK_THROWS_WITH(start_container(f.rt, "c7"), "cannot start a container in the paused state");
  resume_container(f.rt, "c7");
  CHECK(container_state(f.rt, "c7").status == Status::Running);
  const auto listed = list_containers(f.rt);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == "c7");
  delete_container(f.rt, "c7", true);
}

TEST_CASE("update and stats go through the monitor; a malformed document or a stopped container is refused") {
  Fixture f;
  CreateOptions options;
  options.id = "c8";
  options.bundle = f.bundle;
  create_container(f.rt, options);
  start_container(f.rt, "c8");
  update_container(f.rt, "c8", {{"memory", {{"limit", 268435456}}}, {"cpu", {{"shares", 2048}, {"quota", 50000}}}});
  const auto updated = nlohmann::json::parse(slurp(f.tmp.path / "updated"));
  CHECK(updated["memory"]["limit"] == 268435456);
  CHECK(updated["cpu"]["shares"] == 2048);
  CHECK(updated["cpu"]["quota"] == 50000);
  // the zone's refusal comes back as the error
  CHECK_THROWS_WITH(update_container(f.rt, "c8", {{"memory", {{"limit", int64_t{1} << 31}}}}),
                    doctest::Contains("more than the zone booted with"));
  CHECK_THROWS_WITH(update_container(f.rt, "c8", {{"memory", {{"limit", "lots"}}}}), doctest::Contains("resources.memory.limit"));
  const ZoneUsage usage = container_usage(f.rt, "c8");
  CHECK(usage.cpu_time_ns == 123456789);
  CHECK(usage.memory_bytes == 40960);
  CHECK(usage.memory_limit_bytes == 81920);
  kill_container(f.rt, "c8", SIGKILL, false);
  f.wait_for("c8", Status::Stopped);
  CHECK_THROWS_WITH(update_container(f.rt, "c8", {{"cpu", {{"shares", 512}}}}), "container not running");
  CHECK_THROWS_WITH(container_usage(f.rt, "c8"), "container not running");
  delete_container(f.rt, "c8", false);
}

TEST_CASE("exec: a second process through the monitor, attached and detached") {
  Fixture f;
  CreateOptions options;
  options.id = "c8";
  options.bundle = f.bundle;
  create_container(f.rt, options);
  ExecOptions exec;
  exec.id = "c8";
  exec.args = {"true", "0"};
  CHECK_THROWS_WITH(exec_container(f.rt, exec), "cannot exec in a created container");
  start_container(f.rt, "c8");

  // The monitor relays the fds passed with the request; the exit comes after the "started" answer even
  // when the process ends first.
  const MonitorClient client(f.root / "c8" / kMonitorSocket);
  auto [out_read, out_write] = runz::make_pipe();
  runz::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  runz::spec::Process process;
  process.args = {"echo", "hi", "5"};
  process.cwd = "/";
  ExecConnection connection = client.exec(runz::spec::to_json(process), {null.get(), out_write.get(), null.get()});
  CHECK(connection.started().pid > 100);
  CHECK(connection.wait().status == 5);
  out_write.reset();
  char buffer[64] = {};
  CHECK(::read(out_read.get(), buffer, sizeof buffer - 1) > 0);
  CHECK(std::string(buffer) == "echo hi 5 \n");

  exec.args = {"true", "4"};
  CHECK(exec_container(f.rt, exec) == 4);

  // -d: a host process stands for it; its pid goes to --pid-file and it exits with the status.
  exec.args = {"sleepy", "7"};
  exec.detach = true;
  exec.pid_file = f.tmp.path / "exec.pid";
  CHECK(exec_container(f.rt, exec) == 0);
  const pid_t holder = std::stoi(slurp(*exec.pid_file));
  int status = 0;
  REQUIRE(::waitpid(holder, &status, 0) == holder);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 7);

  exec.detach = false;
  exec.pid_file.reset();
  exec.user = "abc";
  CHECK_THROWS_WITH(exec_container(f.rt, exec),
                    doctest::Contains("is not a number"));
  exec.user.reset();
  exec.cwd = "relative";
  CHECK_THROWS_WITH(exec_container(f.rt, exec), doctest::Contains("cwd"));
  delete_container(f.rt, "c8", true);
}

TEST_CASE("pod: a container naming a sandbox joins the sandbox's zone through the sandbox's monitor") {
  Fixture f;
  // A bundle whose config.json carries `annotations` (the fake zone's exit status: the last argument).
  auto bundle_with = [&](const std::string& name, const nlohmann::json& annotations) {
    const std::filesystem::path bundle = f.tmp.path / name;
    std::filesystem::create_directories(bundle / "rootfs");
    nlohmann::json config = runz::spec::default_spec(false);
    config["process"]["terminal"] = false;
    config["process"]["args"] = {"sh", "-c", "exit 4", "4"};
    config["annotations"] = annotations;
    std::ofstream(bundle / "config.json") << config.dump();
    return bundle;
  };
  CreateOptions sandbox;
  sandbox.id = "pod1";
  sandbox.bundle = bundle_with("pod1", {{"io.kubernetes.cri.container-type", "sandbox"},
                                        {"io.kubernetes.cri.sandbox-id", "pod1"}});
  create_container(f.rt, sandbox);

  CreateOptions member;
  member.id = "m1";
  member.bundle = bundle_with("member", {{"io.kubernetes.cri.container-type", "container"},
                                         {"io.kubernetes.cri.sandbox-id", "pod1"}});
  CHECK_THROWS_WITH(create_container(f.rt, member), doctest::Contains("pod sandbox `pod1`"));  // created, not running
  CHECK_FALSE(std::filesystem::exists(f.root / "m1"));

  // A running container that is not a sandbox takes no containers.
  CreateOptions plain;
  plain.id = "plain";
  plain.bundle = f.bundle;
  create_container(f.rt, plain);
  start_container(f.rt, "plain");
  CreateOptions intruder;
  intruder.id = "m2";
  intruder.bundle = bundle_with("intruder", {{"io.kubernetes.cri.container-type", "container"},
                                             {"io.kubernetes.cri.sandbox-id", "plain"}});
  CHECK_THROWS_WITH(create_container(f.rt, intruder),
                    doctest::Contains("is not this pod's sandbox: annotation io.kubernetes.cri.container-type is "
                                      "absent, not `sandbox`"));
  CHECK_FALSE(std::filesystem::exists(f.root / "m2"));
  kill_container(f.rt, "plain", SIGKILL, false);
  f.wait_for("plain", Status::Stopped);
  delete_container(f.rt, "plain", false);

  start_container(f.rt, "pod1");
  const HostProcess member_monitor = create_container(f.rt, member);
  CHECK(container_state(f.rt, "m1").status == Status::Created);
  CHECK_FALSE(f.rt.store.load("m1").zone);  // nothing of its own to clean up: the sandbox owns the domain
  CHECK(slurp(f.tmp.path / "members") == "add m1\n");

  start_container(f.rt, "m1");
  f.wait_for("m1", Status::Stopped);
  CHECK(wait_gone(member_monitor, std::chrono::seconds(5)));
  CHECK(f.rt.store.load("m1").exit->exit.status == 4);
  CHECK_FALSE(f.rt.store.load("m1").exit->exit.oom_killed);
  // its monitor's connection closed: the sandbox's monitor removed it from the zone
  for (int i = 0; i < 500 && slurp(f.tmp.path / "members").find("remove") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(slurp(f.tmp.path / "members") == "add m1\nremove 2\n");
  CHECK(container_state(f.rt, "pod1").status == Status::Running);

  delete_container(f.rt, "m1", false);

  // An OOM kill in the zone reaches the member's record (the shim's /tasks/oom comes from there).
  CreateOptions oom_member;
  oom_member.id = "m3";
  oom_member.bundle = bundle_with("oom-member", {{"io.kubernetes.cri.container-type", "container"},
                                                 {"io.kubernetes.cri.sandbox-id", "pod1"},
                                                 {"test.oom-killed", "yes"}});
  const HostProcess oom_monitor = create_container(f.rt, oom_member);
  start_container(f.rt, "m3");
  f.wait_for("m3", Status::Stopped);
  CHECK(wait_gone(oom_monitor, std::chrono::seconds(5)));
  CHECK(f.rt.store.load("m3").exit->exit.oom_killed);
  delete_container(f.rt, "m3", false);
  kill_container(f.rt, "pod1", SIGKILL, false);
  f.wait_for("pod1", Status::Stopped);
  delete_container(f.rt, "pod1", false);
  CHECK(f.factory.cleaned.size() == 2);  // the plain container's domain and the sandbox's: none for m1
}
