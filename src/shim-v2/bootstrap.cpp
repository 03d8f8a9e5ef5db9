#include "shim-v2/bootstrap.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "runtime/atomic_file.hpp"
#include "shim-v2/events.hpp"
#include "shim-v2/grpc_errors.hpp"
#include "shim-v2/rootfs_mount.hpp"
#include "shim-v2/sha256.hpp"
#include "shim-v2/task_service.hpp"
#include "shim-v2/ttrpc_server.hpp"
#include "shim-v2/unix_socket.hpp"
#include "spec/pod.hpp"

namespace runz::shim {
namespace {

constexpr std::string_view kAddressFile = "address";
constexpr std::string_view kShimPidFile = "shim.pid";
constexpr std::string_view kShimLogFifo = "log";  // created by containerd in the bundle, read by containerd

std::filesystem::path self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("readlink /proc/self/exe: " + ec.message(), ec.value());
  return p;
}

std::string env_or(const char* name, std::string_view fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : std::string(fallback);
}

// Spawns the daemon: this binary with no action, new session, listener on fd 3, stdio on /dev/null.
pid_t spawn_daemon(const ShimFlags& flags, int listener) {
  std::vector<std::string> args{self_exe().string(), "-namespace", flags.ns, "-id", flags.id, "-address", flags.address};
  if (!flags.publish_binary.empty()) args.insert(args.end(), {"-publish-binary", flags.publish_binary});
  if (flags.debug) args.emplace_back("-debug");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  UniqueFd null_fd = open_dev_null();

  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork shim daemon");
  if (pid == 0) {
    ::setsid();
    int lfd = ::fcntl(listener, F_DUPFD_CLOEXEC, 10);
    if (lfd < 0 || ::dup2(null_fd.get(), 0) < 0 || ::dup2(null_fd.get(), 1) < 0 || ::dup2(null_fd.get(), 2) < 0 ||
        ::dup2(lfd, kListenerFd) < 0) {
      ::_exit(127);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// The daemon's diagnostics go to containerd's per-shim log fifo when it is there (containerd reads it into
// its own log), else wherever stderr already points.
void redirect_stderr_to_log_fifo() {
  int fd = ::open(std::string(kShimLogFifo).c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    ::dup2(fd, 2);
  }
  ::close(fd);
}

UniqueFd inherited_listener() {
  struct stat st {};
  if (::fstat(kListenerFd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
    throw Error("no listening socket on fd 3 (run the shim through `start`, or pass -socket PATH)");
  }
  if (::fcntl(kListenerFd, F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl fd 3");
  return UniqueFd(kListenerFd);
}

}  // namespace

ShimFlags parse_flags(const std::vector<std::string>& args) {
  ShimFlags f;
  const std::map<std::string, std::string*, std::less<>> strings = {
      {"namespace", &f.ns}, {"address", &f.address}, {"publish-binary", &f.publish_binary},
      {"id", &f.id},        {"bundle", &f.bundle},   {"socket", &f.socket}};
  const std::map<std::string, bool*, std::less<>> bools = {{"debug", &f.debug}, {"v", &f.version}};
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    a.remove_prefix(a.starts_with("--") ? 2 : 1);
    std::string name(a.substr(0, a.find('=')));
    std::optional<std::string> value;
    if (auto eq = a.find('='); eq != std::string_view::npos) value = std::string(a.substr(eq + 1));
    if (auto b = bools.find(name); b != bools.end()) {
      *b->second = !value || *value == "true" || *value == "1";
      continue;
    }
    auto s = strings.find(name);
    if (s == strings.end()) throw Error("flag provided but not defined: -" + name, EINVAL);
    if (!value) {
      if (i + 1 >= args.size()) throw Error("flag needs an argument: -" + name, EINVAL);
      value = args[++i];
    }
    *s->second = *value;
  }
  if (i < args.size()) f.action = args[i];
  return f;
}

std::string shim_socket_address(std::string_view address, std::string_view ns, std::string_view group,
                                 std::string_view socket_dir) {
  std::string joined = (std::filesystem::path(address) / std::string(ns) / std::string(group)).lexically_normal().string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return "unix://" + (std::filesystem::path(socket_dir) / sha256_hex(joined)).string();
}

std::string grouping_id(const std::filesystem::path& bundle, const std::string& id) {
  std::ifstream in(bundle / "config.json");
  if (!in) return id;
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object()) return id;
  auto annotations = doc.find("annotations");
  if (annotations == doc.end() || !annotations->is_object()) return id;
  auto sandbox = annotations->find(spec::kSandboxIdAnnotation);
  if (sandbox != annotations->end() && sandbox->is_string() && !sandbox->get<std::string>().empty()) {
    return sandbox->get<std::string>();
  }
  return id;
}

std::filesystem::path default_runtime_binary() {
  if (const char* v = std::getenv("RUNZ_SHIM_RUNTIME"); v != nullptr && *v != '\0') return v;
  try {
    auto beside = self_exe().parent_path() / "runz";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  } catch (const Error&) {
  }
  std::string path = env_or("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    auto candidate = std::filesystem::path(path.substr(start, end - start)) / "runz";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "/usr/bin/runz";
}

std::filesystem::path default_runtime_root(std::string_view ns) {
  if (const char* v = std::getenv("RUNZ_SHIM_RUNTIME_ROOT"); v != nullptr && *v != '\0') return v;
  return std::filesystem::path(kDefaultRuntimeRootBase) / std::string(ns);
}

int run_start(const ShimFlags& flags) {
  if (flags.id.empty()) throw Error("start: -id is required", EINVAL);
  const std::filesystem::path bundle = flags.bundle.empty() ? std::filesystem::current_path() : std::filesystem::path(flags.bundle);
  const std::string address = shim_socket_address(flags.address, flags.ns, grouping_id(bundle, flags.id),
                                                   env_or("RUNZ_SHIM_SOCKET_DIR", kDefaultSocketDir));
  UniqueFd listener;
  for (int attempt = 0; attempt < 2 && !listener; ++attempt) {
    try {
      listener = listen_unix(address);
    } catch (const Error& e) {
      if (e.code() != EADDRINUSE || attempt > 0) throw;
      if (can_connect(address)) {
        // A shim for this group is already serving: containerd talks to it for this task too.
        runtime::write_file_atomic(bundle / kAddressFile, address, 0644);
        std::cout << address << std::flush;
        return 0;
      }
      remove_socket(address);  // stale socket of a dead shim
    }
  }
  pid_t pid;
  try {
    pid = spawn_daemon(flags, listener.get());
    runtime::write_file_atomic(bundle / kShimPidFile, std::to_string(pid), 0644);
    runtime::write_file_atomic(bundle / kAddressFile, address, 0644);
  } catch (...) {
    remove_socket(address);
    throw;
  }
  std::cout << address << std::flush;
  return 0;
}

int run_delete(const ShimFlags& flags) {
  if (flags.id.empty()) throw Error("delete: -id is required", EINVAL);
  const std::filesystem::path bundle = flags.bundle.empty() ? std::filesystem::current_path() : std::filesystem::path(flags.bundle);
  RuntimeConfig runtime{default_runtime_binary(), default_runtime_root(flags.ns), flags.debug};
  try {
    run_runtime(runtime, {"delete", "--force", flags.id});
  } catch (const std::exception& e) {
    std::cerr << "delete " << flags.id << ": " << e.what() << "\n";  // already gone is fine
  }
  unmount_rootfs(bundle / "rootfs");
  // A shim killed with SIGKILL left its socket; the group's shim may still serve other tasks, so the file
  // goes only when nothing accepts connections on it.
  if (const auto address = runtime::read_file_if_exists(bundle / kAddressFile); address && !address->empty()) {
    if (!can_connect(*address)) remove_socket(*address);
  }
  std::uint32_t pid = 0;
  try {
    pid = static_cast<std::uint32_t>(runtime::read_pid_file(bundle / kInitPidFile));
  } catch (const std::exception&) {
    // create never got as far as the pid file: the response says pid 0
  }
  task::DeleteResponse response;
  response.set_pid(pid);
  response.set_exit_status(kDeleteExitStatus);
  set_timestamp(response.mutable_exited_at(), std::chrono::system_clock::now());
  std::string bytes = response.SerializeAsString();
  std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::cout.flush();
  return 0;
}

int run_daemon(const ShimFlags& flags) {
  // Signals are taken synchronously through a signalfd: block them before any thread exists so every
  // thread inherits the mask (children reset it: runtime_command.cpp).
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (::pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) throw Error("block signals");
  ::signal(SIGPIPE, SIG_IGN);
  UniqueFd signals(::signalfd(-1, &mask, SFD_CLOEXEC));
  if (!signals) throw_errno("signalfd");
  UniqueFd exit_request(::eventfd(0, EFD_CLOEXEC));
  if (!exit_request) throw_errno("eventfd");

  if (flags.socket.empty()) redirect_stderr_to_log_fifo();
  // Reparent each container's monitor to the shim once `runz create` exits, so the shim can reap it.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) throw_errno("prctl PR_SET_CHILD_SUBREAPER");

  UniqueFd listener = flags.socket.empty() ? inherited_listener() : listen_unix(flags.socket);

  std::unique_ptr<Publisher> publisher;
  if (const char* ttrpc_address = std::getenv("TTRPC_ADDRESS"); ttrpc_address != nullptr && *ttrpc_address != '\0') {
    publisher = std::make_unique<TtrpcPublisher>(ttrpc_address, flags.ns);
  } else {
    publisher = std::make_unique<NullPublisher>();
  }

  TaskServiceConfig config;
  config.ns = flags.ns;
  config.runtime = RuntimeConfig{default_runtime_binary(), default_runtime_root(flags.ns), flags.debug};
  config.publisher = publisher.get();
  const int exit_fd = exit_request.get();
  config.request_exit = [exit_fd] {
    std::uint64_t one = 1;
    if (::write(exit_fd, &one, sizeof one) < 0) std::cerr << "request exit: " << std::strerror(errno) << "\n";
  };
  {
    TaskService service(config);
    ttrpc::Server server(to_status);
    service.register_methods(server);
    server.serve(std::move(listener));
    if (flags.debug) std::cerr << "runz shim serving " << flags.ns << "/" << flags.id << "\n";

    bool shutdown_requested = false;
    for (;;) {
      pollfd fds[2] = {{signals.get(), POLLIN, 0}, {exit_fd, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        throw_errno("poll");
      }
      if (fds[1].revents != 0) shutdown_requested = true;
      break;
    }
    service.cancel();
    server.stop();
    if (shutdown_requested) {
      // Like containerd's shims: the socket goes with the shim (address file in the bundle = cwd).
      std::ifstream in{std::string(kAddressFile)};
      std::string address;
      if (std::getline(in, address) && !address.empty()) remove_socket(address);
      if (!flags.socket.empty()) remove_socket(flags.socket);
    }
  }
  if (auto* ttrpc_publisher = dynamic_cast<TtrpcPublisher*>(publisher.get())) {
    ttrpc_publisher->flush(std::chrono::seconds(5));
  }
  return 0;
}

}  // namespace runz::shim
