// Integration: the built containerd-shim-runz-v2 driven as containerd 1.6 would, over ttrpc: the daemon on
// a given socket, the `start` bootstrap (address, reuse), `delete`, and Create reaching the real `runz` CLI
// (when built) on a host without Xen, which must fail cleanly and leave nothing behind.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <google/protobuf/empty.pb.h>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "shim-v2/bootstrap.hpp"
#include "shim-v2/events.hpp"
#include "shim-v2/proto/containerd/services/events/events.pb.h"
#include "shim-v2/proto/containerd/task/v2/shim.pb.h"
#include "shim-v2/ttrpc_client.hpp"
#include "shim-v2/ttrpc_server.hpp"
#include "shim-v2/unix_socket.hpp"

using namespace runz::shim;
using namespace std::chrono_literals;
namespace task = containerd::task::v2;
using ttrpc::Code;
using ttrpc::RpcError;

namespace {

constexpr const char* kService = "containerd.task.v2.Task";

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/runz-shim-it-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct Process {
  pid_t pid = -1;
  std::string out;
  int status = -1;
};

// Runs the shim with `args` in `cwd` with extra environment; `wait` collects stdout and the exit status.
Process spawn(const std::vector<std::string>& args, const std::filesystem::path& cwd,
              const std::vector<std::string>& env, bool wait) {
  std::vector<std::string> argv_s{RUNZ_SHIM_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) env_s.emplace_back(*e);
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  int pipefd[2];
  REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
  Process p;
  p.pid = ::fork();
  REQUIRE(p.pid >= 0);
  if (p.pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(pipefd[1], 1);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  if (!wait) {
    ::close(pipefd[0]);
    return p;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) p.out.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  REQUIRE(::waitpid(p.pid, &p.status, 0) == p.pid);
  return p;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

Code code_of(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
    return Code::Ok;
  } catch (const RpcError& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
}

// Records what the shim publishes, as containerd's ttrpc Events service would receive it.
struct FakeContainerdEvents {
  std::mutex mu;
  std::vector<std::string> topics;
  ttrpc::Server server;
  explicit FakeContainerdEvents(const std::string& address) {
    server.register_method(kEventsService, "Forward", [this](const std::string& payload, const ttrpc::RequestContext&) {
      containerd::services::events::ttrpc::v1::ForwardRequest r;
      if (r.ParseFromString(payload)) {
        std::lock_guard lock(mu);
        topics.push_back(r.envelope().topic());
      }
      return google::protobuf::Empty().SerializeAsString();
    });
    server.serve(listen_unix(address));
  }
};

std::string runtime_env() {
#ifdef RUNZ_CLI_BINARY
  return std::string("RUNZ_SHIM_RUNTIME=") + RUNZ_CLI_BINARY;
#else
  return "RUNZ_SHIM_RUNTIME=/nonexistent/runz";
#endif
}

void write_bundle(const std::filesystem::path& bundle) {
  std::filesystem::create_directories(bundle / "rootfs");
#ifdef RUNZ_CLI_BINARY
  std::string cmd = "cd '" + bundle.string() + "' && '" + RUNZ_CLI_BINARY + "' spec >/dev/null 2>&1";
  if (std::system(cmd.c_str()) == 0 && std::filesystem::exists(bundle / "config.json")) return;
#endif
  std::ofstream(bundle / "config.json")
      << R"({"ociVersion":"1.2.0","process":{"args":["/bin/sh"],"cwd":"/","user":{"uid":0,"gid":0},)"
      << R"("env":["PATH=/usr/bin:/bin"]},"root":{"path":"rootfs"},"hostname":"runz","linux":{}})";
}

bool mounted_on(const std::filesystem::path& target) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (mount_point == target.string()) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("shim daemon: Connect, State of an unknown id, Create without Xen, unimplemented methods, Shutdown") {
  TempDir tmp;
  const auto bundle = tmp.path / "bundle";
  write_bundle(bundle);
  const std::string socket = (tmp.path / "shim.sock").string();
  const std::string events_address = (tmp.path / "containerd.sock.ttrpc").string();
  FakeContainerdEvents events(events_address);

  Process shim = spawn({"-namespace", "default", "-id", "c1", "-address", (tmp.path / "containerd.sock").string(),
                        "-socket", socket},
                       bundle,
                       {runtime_env(), "RUNZ_SHIM_RUNTIME_ROOT=" + (tmp.path / "root").string(),
                        "TTRPC_ADDRESS=" + events_address},
                       false);
  REQUIRE(wait_until([&] { return can_connect(socket); }));
  auto client = ttrpc::Client::connect(socket);

  task::ConnectRequest connect;
  connect.set_id("c1");
  task::ConnectResponse connected;
  client->call(kService, "Connect", connect, connected);
  CHECK(connected.shim_pid() == static_cast<std::uint32_t>(shim.pid));
  CHECK(connected.task_pid() == 0);
  CHECK(connected.version().starts_with("runz "));

  task::StateRequest state;
  state.set_id("nope");
  task::StateResponse state_response;
  CHECK(code_of([&] { client->call(kService, "State", state, state_response); }) == Code::NotFound);

  task::CreateTaskRequest create;
  create.set_id("c1");
  create.set_bundle(bundle.string());
  task::CreateTaskResponse created;
  std::string message;
  Code code = code_of([&] { client->call(kService, "Create", create, created); }, &message);
  MESSAGE("Create without Xen: " << ttrpc::to_string(code) << ": " << message);
  CHECK(code == Code::FailedPrecondition);
#ifdef RUNZ_CLI_BINARY
  CHECK(message.find("Xen") != std::string::npos);
#else
  CHECK(message.find("/nonexistent/runz") != std::string::npos);
#endif
  // Nothing left behind: no task in the shim, no container under runz's root, no pid file.
  state.set_id("c1");
  CHECK(code_of([&] { client->call(kService, "State", state, state_response); }) == Code::NotFound);
  CHECK_FALSE(std::filesystem::exists(tmp.path / "root" / "c1"));
  CHECK_FALSE(std::filesystem::exists(bundle / "init.pid"));

  // The same with a rootfs mount from containerd (a bind mount here): it must be undone too.
  if (::geteuid() == 0) {
    std::filesystem::create_directories(tmp.path / "snapshot");
    auto* m = create.add_rootfs();
    m->set_type("bind");
    m->set_source((tmp.path / "snapshot").string());
    m->add_options("rbind");
    m->add_options("ro");
    code = code_of([&] { client->call(kService, "Create", create, created); }, &message);
    MESSAGE("Create with a rootfs mount: " << ttrpc::to_string(code) << ": " << message);
    CHECK(code != Code::Ok);
    CHECK_FALSE(mounted_on(bundle / "rootfs"));
  }

  task::CreateTaskRequest tty = create;
  tty.clear_rootfs();
  tty.set_terminal(true);
  code = code_of([&] { client->call(kService, "Create", tty, created); }, &message);
  MESSAGE("Create with a terminal: " << ttrpc::to_string(code) << ": " << message);
  CHECK(code != Code::Ok);  // runz refuses on a host without Xen: the console socket must not stay behind
  CHECK_FALSE(std::filesystem::exists(bundle / "console.sock"));
  google::protobuf::Empty empty;
  task::ResizePtyRequest resize;
  resize.set_id("nope");
  CHECK(code_of([&] { client->call(kService, "ResizePty", resize, empty); }) == Code::NotFound);
  task::ExecProcessRequest exec;  // no exec id: refused before anything is looked up
  CHECK(code_of([&] { client->call(kService, "Exec", exec, empty); }) == Code::InvalidArgument);
  exec.set_id("nope");
  exec.set_exec_id("e1");
  exec.mutable_spec()->set_value("{}");
  CHECK(code_of([&] { client->call(kService, "Exec", exec, empty); }) == Code::NotFound);
  CHECK(code_of([&] { client->call("containerd.task.v2.Task", "NoSuchMethod", "", 0ms); }) == Code::Unimplemented);
  task::KillRequest kill;
  kill.set_id("nope");
  CHECK(code_of([&] { client->call(kService, "Kill", kill, empty); }) == Code::NotFound);
  task::WaitRequest wait_request;
  wait_request.set_id("nope");
  task::WaitResponse waited;
  CHECK(code_of([&] { client->call(kService, "Wait", wait_request, waited); }) == Code::NotFound);

  task::ShutdownRequest shutdown;
  shutdown.set_id("c1");
  code = code_of([&] { client->call(kService, "Shutdown", shutdown, empty); });
  const bool shutdown_answered = code == Code::Ok || code == Code::Unavailable;  // the shim may hang up as it goes
  CHECK(shutdown_answered);
  int status = 0;
  REQUIRE(wait_until([&] { return ::waitpid(shim.pid, &status, WNOHANG) == shim.pid; }));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(std::filesystem::exists(socket));
  std::lock_guard lock(events.mu);
  CHECK(events.topics.empty());  // no task was created, so nothing to tell containerd
}

TEST_CASE("shim start: prints containerd's socket address, serves it, reuses it, exits on Shutdown") {
  TempDir tmp;
  const auto bundle = tmp.path / "bundle";
  write_bundle(bundle);
  const std::string containerd_address = (tmp.path / "containerd.sock").string();
  const std::vector<std::string> env{runtime_env(), "RUNZ_SHIM_RUNTIME_ROOT=" + (tmp.path / "root").string(),
                                     "RUNZ_SHIM_SOCKET_DIR=" + (tmp.path / "s").string()};
  const std::vector<std::string> args{"-namespace", "default", "-address", containerd_address,
                                      "-publish-binary", "/usr/bin/containerd", "-id", "c2", "start"};
  Process start = spawn(args, bundle, env, true);
  REQUIRE(WIFEXITED(start.status));
  REQUIRE(WEXITSTATUS(start.status) == 0);
  const std::string expected = shim_socket_address(containerd_address, "default", "c2", (tmp.path / "s").string());
  CHECK(start.out == expected);
  std::ifstream address_file(bundle / "address");
  std::string address;
  std::getline(address_file, address);
  CHECK(address == expected);
  std::ifstream pid_file(bundle / "shim.pid");
  pid_t daemon = 0;
  pid_file >> daemon;
  REQUIRE(daemon > 0);

  auto client = ttrpc::Client::connect(start.out);
  task::ConnectRequest connect;
  connect.set_id("c2");
  task::ConnectResponse connected;
  client->call(kService, "Connect", connect, connected);
  CHECK(connected.shim_pid() == static_cast<std::uint32_t>(daemon));

  // A second start for the same group finds the live shim and prints the same address.
  Process again = spawn(args, bundle, env, true);
  CHECK(WEXITSTATUS(again.status) == 0);
  CHECK(again.out == expected);
  std::ifstream pid_again(bundle / "shim.pid");
  pid_t daemon_again = 0;
  pid_again >> daemon_again;
  CHECK(daemon_again == daemon);

  task::ShutdownRequest shutdown;
  google::protobuf::Empty empty;
  code_of([&] { client->call(kService, "Shutdown", shutdown, empty); });
  CHECK(wait_until([&] { return process_gone(daemon); }));
  CHECK_FALSE(std::filesystem::exists(socket_path(expected)));
}

TEST_CASE("shim delete: cleans up after a dead shim and prints a DeleteResponse") {
  TempDir tmp;
  const auto bundle = tmp.path / "bundle";
  write_bundle(bundle);
  std::ofstream(bundle / "init.pid") << "4242";
  Process del = spawn({"-namespace", "default", "-address", (tmp.path / "containerd.sock").string(), "-id", "c3",
                       "-bundle", bundle.string(), "delete"},
                      bundle, {runtime_env(), "RUNZ_SHIM_RUNTIME_ROOT=" + (tmp.path / "root").string()}, true);
  REQUIRE(WIFEXITED(del.status));
  CHECK(WEXITSTATUS(del.status) == 0);
  task::DeleteResponse response;
  REQUIRE(response.ParseFromString(del.out));
  CHECK(response.exit_status() == 137);
  CHECK(response.pid() == 4242);
  CHECK(response.exited_at().seconds() > 0);
}

TEST_CASE("shim delete: removes the socket of a shim killed with SIGKILL, keeps one still served") {
  TempDir tmp;
  const auto bundle = tmp.path / "bundle";
  write_bundle(bundle);
  const std::string address = "unix://" + (tmp.path / "s" / "group").string();
  std::ofstream(bundle / "address") << address;
  auto run_delete = [&] {
    Process del = spawn({"-namespace", "default", "-address", (tmp.path / "containerd.sock").string(), "-id", "c4",
                         "-bundle", bundle.string(), "delete"},
                        bundle, {runtime_env(), "RUNZ_SHIM_RUNTIME_ROOT=" + (tmp.path / "root").string()}, true);
    REQUIRE(WIFEXITED(del.status));
    CHECK(WEXITSTATUS(del.status) == 0);
  };
  {
    runz::UniqueFd live = listen_unix(address);  // another task of the group is still served here
    run_delete();
    CHECK(std::filesystem::exists(socket_path(address)));
  }
  // the listener is gone, its file stays behind: what a SIGKILLed shim leaves
  REQUIRE(std::filesystem::exists(socket_path(address)));
  run_delete();
  CHECK_FALSE(std::filesystem::exists(socket_path(address)));
}
