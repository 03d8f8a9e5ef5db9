#include "runtime/cli/command.hpp"

#include <doctest/doctest.h>

#include <csignal>

#include "common/error.hpp"

using namespace runz::runtime::cli;

namespace {

Invocation parse(std::vector<std::string> args) {
  args.insert(args.begin(), "runz");
  return parse_argv(args);
}

template <class T>
T command_of(const Invocation& invocation) {
  REQUIRE(std::holds_alternative<T>(invocation.command));
  return std::get<T>(invocation.command);
}

}  // namespace

TEST_CASE("containerd runc shim: create with global options first") {
  const auto inv = parse({"--root", "/run/containerd/runc/k8s.io", "--log", "/run/x/log.json", "--log-format", "json",
                          "create", "--bundle", "/run/b", "--pid-file", "/run/b/init.pid", "abc"});
  CHECK(inv.global.root == "/run/containerd/runc/k8s.io");
  REQUIRE(inv.global.log);
  CHECK(*inv.global.log == "/run/x/log.json");
  CHECK(inv.global.log_format == runz::runtime::LogFormat::Json);
  const auto& create = command_of<CreateCommand>(inv);
  CHECK(create.options.id == "abc");
  CHECK(create.options.bundle == "/run/b");
  REQUIRE(create.options.pid_file);
  CHECK(*create.options.pid_file == "/run/b/init.pid");
  CHECK_FALSE(create.options.console_socket);
}

TEST_CASE("containerd runc shim: start, state, kill, delete") {
  CHECK(command_of<StartCommand>(parse({"--root", "R", "start", "abc"})).id == "abc");
  CHECK(command_of<StateCommand>(parse({"--root", "R", "state", "abc"})).id == "abc");

  const auto& kill9 = command_of<KillCommand>(parse({"--root", "R", "kill", "abc", "9"}));
  CHECK(kill9.id == "abc");
  CHECK(kill9.signal == SIGKILL);
  CHECK_FALSE(kill9.all);

  const auto& kill_all = command_of<KillCommand>(parse({"--root", "R", "kill", "--all", "abc", "9"}));
  CHECK(kill_all.all);
  CHECK(kill_all.signal == 9);

  CHECK(command_of<KillCommand>(parse({"kill", "abc", "SIGKILL"})).signal == SIGKILL);
  CHECK(command_of<KillCommand>(parse({"kill", "abc", "hup"})).signal == SIGHUP);
  CHECK(command_of<KillCommand>(parse({"kill", "abc"})).signal == SIGTERM);
  CHECK_THROWS_AS(parse({"kill", "abc", "SIGNOPE"}), runz::Error);

  const auto& del = command_of<DeleteCommand>(parse({"--root", "R", "delete", "--force", "abc"}));
  CHECK(del.id == "abc");
  CHECK(del.force);
  CHECK(command_of<DeleteCommand>(parse({"delete", "-f", "abc"})).force);
  CHECK_FALSE(command_of<DeleteCommand>(parse({"delete", "abc"})).force);
}

TEST_CASE("Docker: --systemd-cgroup and create --no-pivot, console socket") {
  const auto inv = parse({"--root", "/var/run/docker/runtime-runc/moby", "--log", "L", "--log-format", "json",
                          "--systemd-cgroup", "create", "--bundle", "B", "--pid-file", "P", "--console-socket",
                          "/tmp/pty.sock", "--no-pivot", "--no-new-keyring", "abc"});
  CHECK(inv.global.systemd_cgroup);
  const auto& create = command_of<CreateCommand>(inv);
  CHECK(create.options.id == "abc");
  REQUIRE(create.options.console_socket);
  CHECK(*create.options.console_socket == "/tmp/pty.sock");
}

TEST_CASE("defaults and the other verbs") {
  const auto inv = parse({"create", "c1"});
  CHECK(inv.global.root == "/run/runz");
  CHECK_FALSE(inv.global.log);
  CHECK(inv.global.log_format == runz::runtime::LogFormat::Text);
  CHECK(command_of<CreateCommand>(inv).options.bundle == ".");
  CHECK(command_of<CreateCommand>(parse({"create", "-b", "x", "c1"})).options.bundle == "x");
  CHECK(command_of<CreateCommand>(parse({"create", "--preserve-fds", "2", "c1"})).options.preserve_fds == 2);

  const auto& run = command_of<RunCommand>(parse({"run", "-d", "--keep", "-b", "B", "c1"}));
  CHECK(run.options.detach);
  CHECK(run.options.keep);
  CHECK(run.options.create.bundle == "B");

  CHECK(command_of<ListCommand>(parse({"list", "--format", "json"})).json);
  CHECK(command_of<ListCommand>(parse({"list", "-q"})).quiet);
  CHECK_THROWS_AS(parse({"list", "-f", "yaml"}), runz::Error);
  const auto& spec = command_of<SpecCommand>(parse({"spec", "--rootless", "-b", "/b"}));
  CHECK(spec.rootless);
  CHECK(spec.bundle == "/b");
  CHECK(std::holds_alternative<FeaturesCommand>(parse({"features"}).command));
  CHECK(command_of<PsCommand>(parse({"ps", "--format", "json", "c1"})).json);
  CHECK(command_of<PauseCommand>(parse({"pause", "c1"})).id == "c1");
  CHECK(command_of<ResumeCommand>(parse({"resume", "c1"})).id == "c1");
  CHECK(command_of<UnsupportedCommand>(parse({"checkpoint", "c1"})).verb == "checkpoint");
  CHECK(parse({"--debug", "--log-format=json", "--root=/r", "state", "c1"}).global.root == "/r");
}

TEST_CASE("update: runc's flags build a LinuxResources document; --resources takes a file or stdin instead") {
  const auto u = command_of<UpdateCommand>(parse({"update", "--memory", "256m", "--memory-swap", "-1", "--cpu-shares",
                                                   "512", "--cpu-quota", "50000", "--cpu-period", "100000",
                                                   "--pids-limit", "64", "c1"}));
  CHECK(u.id == "c1");
  CHECK_FALSE(u.resources_file);
  CHECK(u.resources == nlohmann::json::parse(R"({"memory": {"limit": 268435456, "swap": -1},
      "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 64}})"));
  CHECK(command_of<UpdateCommand>(parse({"update", "--memory", "1GB", "c1"})).resources["memory"]["limit"] == 1073741824);
  CHECK(command_of<UpdateCommand>(parse({"update", "--memory", "4096", "c1"})).resources["memory"]["limit"] == 4096);
  CHECK(*command_of<UpdateCommand>(parse({"update", "-r", "-", "c1"})).resources_file == "-");
  CHECK_THROWS_WITH(parse({"update", "--memory", "12x", "c1"}), doctest::Contains("--memory `12x`: not a size"));
  CHECK_THROWS_WITH(parse({"update", "c1"}), doctest::Contains("nothing to update"));
  CHECK_THROWS_WITH(parse({"update", "--memory", "1m"}), doctest::Contains("requires exactly 1 argument"));
}

TEST_CASE("events: --stats once, else a stream every --interval (Go durations)") {
  const auto e = command_of<EventsCommand>(parse({"events", "--stats", "c1"}));
  CHECK(e.id == "c1");
  CHECK(e.stats);
  CHECK(e.interval == std::chrono::seconds(5));
  CHECK(command_of<EventsCommand>(parse({"events", "--interval", "500ms", "c1"})).interval == std::chrono::milliseconds(500));
  CHECK(command_of<EventsCommand>(parse({"events", "--interval=2m", "c1"})).interval == std::chrono::minutes(2));
  CHECK_THROWS_WITH(parse({"events", "--interval", "5", "c1"}), doctest::Contains("not a duration"));
}

TEST_CASE("exec: our options end at the container id, the command keeps its own") {
  // containerd's runc shim: runc exec --process P --detach --pid-file F <id>
  const runz::runtime::ExecOptions shim = command_of<ExecCommand>(parse({"exec", "--process", "/p.json", "--detach", "--pid-file", "/f",
                                                          "c1"})).options;
  CHECK(shim.id == "c1");
  CHECK(shim.process_file == std::filesystem::path("/p.json"));
  CHECK(shim.detach);
  CHECK(shim.pid_file == std::filesystem::path("/f"));
  CHECK(shim.args.empty());
  const runz::runtime::ExecOptions cmd = command_of<ExecCommand>(parse({"exec", "-e", "A=1", "--env=B=2", "-u", "1000:10", "--cwd", "/tmp",
                                                         "-t", "c2", "sh", "-c", "echo -e x", "--cwd"})).options;
  CHECK(cmd.id == "c2");
  CHECK(cmd.env == std::vector<std::string>{"A=1", "B=2"});
  CHECK(cmd.user == "1000:10");
  CHECK(cmd.cwd == "/tmp");
  CHECK(cmd.tty);
  CHECK(cmd.args == std::vector<std::string>{"sh", "-c", "echo -e x", "--cwd"});
  CHECK(command_of<ExecCommand>(parse({"exec", "--", "c3", "ls"})).options.args == std::vector<std::string>{"ls"});
  CHECK_THROWS_WITH(parse({"exec", "--process", "/p", "c1", "ls"}), doctest::Contains("either --process or a command"));
  CHECK_THROWS_WITH(parse({"exec", "--cap", "CAP_KILL", "c1", "ls"}), doctest::Contains("--cap is not supported"));
}

TEST_CASE("version and help print; bad input is an error") {
  CHECK(command_of<PrintCommand>(parse({"--version"})).text == "runz version 0.1.0\nspec: 1.2.0\n");
  CHECK(command_of<PrintCommand>(parse({"--help"})).text.find("create") != std::string::npos);
  CHECK(command_of<PrintCommand>(parse({"create", "--help"})).text.find("bundle") != std::string::npos);
  CHECK_THROWS_WITH(parse({"frobnicate", "x"}), doctest::Contains("unknown command `frobnicate`"));
  CHECK_THROWS_WITH(parse({"create", "--bogus", "c1"}), doctest::Contains("runz create"));
  CHECK_THROWS_WITH(parse({"start"}), doctest::Contains("requires exactly 1 argument"));
  CHECK_THROWS_AS(parse({"--bogus-global", "state", "c1"}), runz::Error);
  CHECK_THROWS_AS(parse({"--log-format", "xml", "state", "c1"}), runz::Error);
}
