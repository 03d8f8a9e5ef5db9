#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/atomic_file.hpp"
#include "runtime/console_socket.hpp"
#include "runtime/container_id.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/monitor_client.hpp"
#include "runtime/signal_forwarder.hpp"
#include "spec/parse.hpp"

namespace runz::runtime {
namespace {

uint32_t parse_id_number(std::string_view text, std::string_view what) {
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw Error("--user: " + std::string(what) + " " + runz::quoted(text) +
                " is not a number (user names cannot be looked up outside the zone: give uid[:gid])");
  return value;
}

spec::Process process_from_file(const std::filesystem::path& path) {
  return with_context("--process " + runz::quoted(path.string()), [&] {
    std::ifstream in(path);
    if (!in) throw_errno("open");
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw Error(std::string("invalid JSON: ") + e.what());
    }
    return spec::parse_process(json);
  });
}

// The container's own process with the command line's changes, as runc builds an exec'd process.
spec::Process process_from_options(const Runtime& rt, const ExecOptions& options) {
  if (options.args.empty()) throw Error("runz exec: give a command, or --process FILE");
  const spec::Config config = load_saved_config(rt.store, options.id);
  spec::Process p = config.process ? *config.process : spec::Process{};
  p.args = options.args;
  p.env.insert(p.env.end(), options.env.begin(), options.env.end());
  if (options.cwd) p.cwd = *options.cwd;
  if (options.user) {
    const std::string& user = *options.user;
    const auto colon = user.find(':');
    p.user.uid = parse_id_number(user.substr(0, colon), "uid");
    p.user.gid = colon == std::string::npos ? p.user.gid : parse_id_number(user.substr(colon + 1), "gid");
  }
  p.user.additional_gids.insert(p.user.additional_gids.end(), options.additional_gids.begin(),
                                options.additional_gids.end());
  p.terminal = options.tty;
  if (options.no_new_privs) p.no_new_privileges = true;
  p.console_size.reset();
  return p;
}

UniqueFd dev_null_if_closed(UniqueFd fd) { return fd ? std::move(fd) : open_dev_null(); }

ExecConnection start_exec(const Runtime& rt, const ExecOptions& options, const spec::Process& process) {
  ZoneStdio stdio = options.console_socket ? console_stdio(*options.console_socket) : inherited_stdio();
  stdio.in = dev_null_if_closed(std::move(stdio.in));
  stdio.out = dev_null_if_closed(std::move(stdio.out));
  stdio.err = dev_null_if_closed(std::move(stdio.err));
  const MonitorClient client(rt.store.dir(options.id) / kMonitorSocket);
  return client.exec(spec::to_json(process), {stdio.in.get(), stdio.out.get(), stdio.err.get()});
}

ZoneExit wait_forwarding_signals(const Runtime& rt, const std::string& id, ExecConnection& connection) {
  const MonitorClient client(rt.store.dir(id) / kMonitorSocket);
  const uint32_t handle = connection.started().handle;
  SignalForwarder forwarder([&client, handle](int sig) { client.signal_exec(handle, sig); });
  return connection.wait();
}

// -d: a host process stands for the exec'd one (its pid in --pid-file; a subreaper such as containerd's
// shim waits for it). Its stdio goes to /dev/null once the process's stdio was handed to the monitor, so
// it never holds a shim's pipes open.
int exec_detached(const Runtime& rt, const ExecOptions& options, const spec::Process& process) {
  auto [ready_read, ready_write] = make_pipe();
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    ready_read.reset();
    int code = 255;
    try {
      ExecConnection connection = start_exec(rt, options, process);
      stdio_to_dev_null();
      const std::string ok = "ok\n";
      (void)!::write(ready_write.get(), ok.data(), ok.size());
      ready_write.reset();
      ::setsid();
      code = wait_forwarding_signals(rt, options.id, connection).status & 0xff;
    } catch (const std::exception& e) {
      const std::string message = std::string(e.what()) + "\n";
      if (ready_write) (void)!::write(ready_write.get(), message.data(), message.size());
    }
    ::_exit(code);
  }
  ready_write.reset();
  std::string answer;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(ready_read.get(), buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read from the exec holder");
    answer.append(buffer, static_cast<size_t>(n));
  }
  if (answer != "ok\n") {
    ::waitpid(pid, nullptr, 0);
    if (!answer.empty() && answer.back() == '\n') answer.pop_back();
    throw Error(answer.empty() ? "exec holder died before the process started" : answer);
  }
  if (options.pid_file) write_pid_file(*options.pid_file, pid);
  return 0;
}

}  // namespace

int exec_container(const Runtime& rt, const ExecOptions& options) {
  validate_container_id(options.id);
  if (options.preserve_fds > 0)
    throw Error("--preserve-fds is not supported: the process runs in the container's zone");
  const Container container = load_container(rt.store, options.id);
  if (container.status != Status::Running)
    throw Error("cannot exec in a " + std::string(to_string(container.status)) + " container");
  // Validated as config.json's process is (a built one too: --cwd must be absolute, ...).
  const spec::Process process = options.process_file ? process_from_file(*options.process_file)
                                                     : spec::parse_process(spec::to_json(process_from_options(rt, options)));
  // --tty, or "terminal" in the --process file (what containerd's shims pass)
  if (process.terminal && !options.console_socket)
    throw Error("cannot allocate tty without --console-socket (the terminal is relayed from the zone)");
  if (!process.terminal && options.console_socket)
    throw Error("cannot use console socket if runz will not allocate tty");

  if (options.detach) return exec_detached(rt, options, process);
  ExecConnection connection = start_exec(rt, options, process);
  if (options.pid_file) write_pid_file(*options.pid_file, ::getpid());
  return wait_forwarding_signals(rt, options.id, connection).status;
}

}  // namespace runz::runtime
