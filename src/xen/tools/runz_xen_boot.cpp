// runz-xen-boot: boots a kernel + initramfs in a PV domain with runz's own domain builder (no libxl),
// relays the domain's console to stdout until it shuts down (or the timeout), destroys it, and exits
// 0 on poweroff. A test tool for the builder and the console without the rest of runz.
//
//   runz-xen-boot --kernel K --initrd I [--cmdline C] [--memory MiB] [--vcpus N] [--name N]
//                 [--timeout S] [--marker TEXT] [--input TEXT] [--verbose]
//
//   runz-xen-boot --list     prints the live domains named runz-*: domid, name, uuid, state
//
// Exit status: 0 poweroff, 1 other shutdown (crash, reboot...), 2 timeout, 3 error, 130/143 on SIGINT/SIGTERM.
// --marker TEXT logs (stderr) the time from start to the first console output holding TEXT.
// --input TEXT is written to the guest's console input once the marker was seen (at once without a marker);
// "\n" in TEXT stands for a newline. --verbose logs the domain's CPU time, state and console indexes every 2 s.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "xen/console.hpp"
#include "xen/domain_builder.hpp"
#include "xen/domain_lifecycle.hpp"
#include "xen/log.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace runz::xen;

constexpr int kExitPoweroff = 0;
constexpr int kExitOtherShutdown = 1;
constexpr int kExitTimeout = 2;
constexpr int kExitError = 3;
// Check the domain's state at least this often even if no watch fired.
constexpr std::chrono::milliseconds kStatePollInterval{500};
// --verbose: how often the domain's state and console indexes are logged.
constexpr std::chrono::milliseconds kStatusInterval{2000};

struct Options {
  DomainBuildConfig build;
  std::chrono::seconds timeout{60};
  std::string marker;
  std::string input;
  bool verbose = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "runz-xen-boot: %s\n"
               "usage: runz-xen-boot --kernel K --initrd I [--cmdline C] [--memory MiB] [--vcpus N] [--name N]\n"
               "                     [--timeout S] [--marker TEXT] [--input TEXT] [--verbose]\n",
               why);
  std::exit(kExitError);
}

uint32_t parse_u32(const char* flag, const char* value) {
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || v > UINT32_MAX)
    usage((std::string(flag) + " needs a number, got " + runz::quoted(value)).c_str());
  return static_cast<uint32_t>(v);
}

std::string unescape_newlines(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  o.build.cmdline = "console=hvc0 quiet";
  o.build.memory_mib = 128;
  o.build.name = "runz-xen-boot-" + std::to_string(::getpid());
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") usage("boots a PV domain with runz's builder");
    if (a == "--verbose") {
      o.verbose = true;
      continue;
    }
    if (i + 1 >= argc) usage((std::string(a) + " needs a value").c_str());
    const char* v = argv[++i];
    if (a == "--kernel") o.build.kernel = v;
    else if (a == "--initrd") o.build.initrd = v;
    else if (a == "--cmdline") o.build.cmdline = v;
    else if (a == "--memory") o.build.memory_mib = parse_u32("--memory", v);
    else if (a == "--vcpus") o.build.vcpus = parse_u32("--vcpus", v);
    else if (a == "--name") o.build.name = v;
    else if (a == "--timeout") o.timeout = std::chrono::seconds(parse_u32("--timeout", v));
    else if (a == "--marker") o.marker = v;
    else if (a == "--input") o.input = unescape_newlines(v);
    else usage(("unknown option " + runz::quoted(a)).c_str());
  }
  if (o.build.kernel.empty()) usage("--kernel is required");
  return o;
}

double ms_since(Clock::time_point t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count()) / 1000.0;
}

void write_stdout(const std::byte* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(STDOUT_FILENO, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // stdout closed: keep running so the domain still gets cleaned up
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

// Finds the marker in the console stream even when it is split across reads.
class MarkerScanner {
 public:
  explicit MarkerScanner(std::string marker) : marker_(std::move(marker)) {}
  bool feed(const std::byte* data, size_t n) {
    if (marker_.empty() || found_) return false;
    tail_.append(reinterpret_cast<const char*>(data), n);
    if (tail_.find(marker_) != std::string::npos) {
      found_ = true;
      return true;
    }
    if (tail_.size() > marker_.size()) tail_.erase(0, tail_.size() - marker_.size());
    return false;
  }

 private:
  std::string marker_;
  std::string tail_;
  bool found_ = false;
};

runz::UniqueFd block_signals_to_fd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) runz::throw_errno("sigprocmask");
  int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) runz::throw_errno("signalfd");
  return runz::UniqueFd(fd);
}

int run(const Options& o) {
  const auto start = Clock::now();
  runz::UniqueFd sigfd = block_signals_to_fd();
  XcHandle xc = XcHandle::open();
  XsHandle xs = XsHandle::open();
  XsHandle xs_watch = XsHandle::open();  // its own connection, so the watch fd carries only our events

  BuiltDomain built = build_domain(xc, xs, o.build);
  const DomId domid = built.id();
  const double build_ms = ms_since(start);
  PvConsole console = PvConsole::attach(domid, built.console_mfn, built.console_port);
  ShutdownWatcher watcher(xc, xs_watch, domid, built.uuid);
  unpause_domain(xc, domid);
  const double unpause_ms = ms_since(start);
  log_info("runz-xen-boot: domain " + std::to_string(domid) + " built in " + std::to_string(build_ms) +
           " ms, running at " + std::to_string(unpause_ms) + " ms");

  MarkerScanner marker(o.marker);
  bool input_sent = o.input.empty();
  auto send_input = [&] {
    console.write(std::as_bytes(std::span(o.input.data(), o.input.size())), std::chrono::seconds(10));
    input_sent = true;
    log_info("runz-xen-boot: wrote " + std::to_string(o.input.size()) + " byte(s) of input to the console");
  };
  if (!input_sent && o.marker.empty()) send_input();
  std::array<std::byte, 4096> buf{};
  auto drain_console = [&] {
    for (;;) {
      size_t n = console.read_available(buf);
      if (n == 0) return;
      write_stdout(buf.data(), n);
      if (marker.feed(buf.data(), n)) {
        log_info("runz-xen-boot: marker " + runz::quoted(o.marker) + " seen at " + std::to_string(ms_since(start)) +
                 " ms after start");
        if (!input_sent) send_input();
      }
    }
  };

  const auto deadline = start + o.timeout;
  std::optional<DomainExit> exit;
  int signal_exit = 0;
  auto next_status = Clock::now() + kStatusInterval;
  while (!exit && signal_exit == 0) {
    if (o.verbose && Clock::now() >= next_status) {
      next_status = Clock::now() + kStatusInterval;
      auto info = xc.domain_info(domid);
      auto idx = console.ring_indexes();
      if (info)
        log_info("runz-xen-boot: status at " + std::to_string(ms_since(start)) + " ms: cpu " +
                 std::to_string(info->cpu_time_ns / 1000000) + " ms, " + (info->running ? "running" : "") +
                 (info->blocked ? "blocked" : "") + (info->paused ? " paused" : "") + ", console out " +
                 std::to_string(idx.out_cons) + "/" + std::to_string(idx.out_prod) + " in " +
                 std::to_string(idx.in_cons) + "/" + std::to_string(idx.in_prod));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    std::array<pollfd, 3> fds{{{console.fd(), POLLIN, 0}, {watcher.fd(), POLLIN, 0}, {sigfd.get(), POLLIN, 0}}};
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min(left, kStatePollInterval).count()));
    if (n < 0 && errno != EINTR) runz::throw_errno("poll");
    if (fds[0].revents & POLLIN) console.handle_event();
    drain_console();
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si{};
      if (::read(sigfd.get(), &si, sizeof(si)) == static_cast<ssize_t>(sizeof(si)))
        signal_exit = 128 + static_cast<int>(si.ssi_signo);
    }
    exit = watcher.check();
  }
  drain_console();  // what the guest wrote just before it stopped

  int rc = kExitTimeout;
  if (exit) {
    log_info("runz-xen-boot: domain " + std::to_string(domid) + " ended (" + exit->describe() + ") at " +
             std::to_string(ms_since(start)) + " ms");
    rc = (exit->reason && *exit->reason == ShutdownReason::poweroff) ? kExitPoweroff : kExitOtherShutdown;
  } else if (signal_exit != 0) {
    log_warning("runz-xen-boot: interrupted by signal " + std::to_string(signal_exit - 128));
    rc = signal_exit;
  } else {
    log_warning("runz-xen-boot: timeout after " + std::to_string(o.timeout.count()) + " s");
  }
  if (console.broken_count() > 0)
    log_warning("runz-xen-boot: the console ring was inconsistent " + std::to_string(console.broken_count()) +
                " time(s)");
  built.domain.destroy();
  log_info("runz-xen-boot: done in " + std::to_string(ms_since(start)) + " ms, exit " + std::to_string(rc));
  return rc;
}

}  // namespace

int list_domains() {
  XcHandle xc = XcHandle::open();
  XsHandle xs = XsHandle::open();
  for (const RunzDomain& d : list_runz_domains(xc, xs)) {
    std::string state = d.info.shutdown ? "shutdown" : d.info.paused ? "paused" : d.info.dying ? "dying" : "running";
    std::printf("%u %s %s %s\n", d.domid, d.name.c_str(), d.uuid.to_string().c_str(), state.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    try {
      return list_domains();
    } catch (const std::exception& e) {
      log_error(std::string("runz-xen-boot: ") + e.what());
      return kExitError;
    }
  }
  Options o = parse(argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    log_error(std::string("runz-xen-boot: ") + e.what());
    return kExitError;
  }
}
