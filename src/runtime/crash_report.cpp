#include "runtime/crash_report.hpp"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>

namespace runz::runtime {
namespace {

constexpr std::array<int, 5> kFatalSignals = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr size_t kMessageBytes = 160;

std::atomic<int> g_ready_fd{-1};
// Per signal in kFatalSignals: the JSON report and the stderr line, built by arm_crash_report.
char g_reports[kFatalSignals.size()][kMessageBytes];
char g_lines[kFatalSignals.size()][kMessageBytes];

void write_string(int fd, const char* text) noexcept {
  size_t left = ::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

void on_fatal_signal(int sig) {
  for (size_t i = 0; i < kFatalSignals.size(); ++i) {
    if (kFatalSignals[i] != sig) continue;
    write_string(STDERR_FILENO, g_lines[i]);
    const int fd = g_ready_fd.exchange(-1);
    if (fd >= 0) write_string(fd, g_reports[i]);
  }
  // SA_RESETHAND restored the default action: returning re-runs the faulting instruction (or raise it).
  ::raise(sig);
}

}  // namespace

void arm_crash_report(int ready_fd) noexcept {
  for (size_t i = 0; i < kFatalSignals.size(); ++i) {
    const int sig = kFatalSignals[i];
    std::snprintf(g_reports[i], kMessageBytes,
                  "{\"ok\":false,\"error\":\"monitor died of signal %d (%s) before the zone was ready\"}\n", sig,
                  sigabbrev_np(sig));
    std::snprintf(g_lines[i], kMessageBytes, "runz monitor: fatal signal %d (%s)\n", sig, sigabbrev_np(sig));
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
  }
  g_ready_fd = ready_fd;
}

void disarm_crash_report() noexcept { g_ready_fd = -1; }

}  // namespace runz::runtime
