#include "runtime/signal_forwarder.hpp"

#include <pthread.h>

#include <ctime>
#include <exception>

namespace runz::runtime {

SignalForwarder::SignalForwarder(std::function<void(int)> deliver) : deliver_(std::move(deliver)) {
  sigemptyset(&set_);
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&set_, sig);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this] { loop(); });
}

SignalForwarder::~SignalForwarder() {
  stop_ = true;
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void SignalForwarder::loop() {
  const timespec tick{0, 100'000'000};
  while (!stop_) {
    const int sig = ::sigtimedwait(&set_, nullptr, &tick);
    if (sig <= 0) continue;
    try {
      deliver_(sig);
    } catch (const std::exception&) {
      // the process is exiting; the wait tells
    }
  }
}

}  // namespace runz::runtime
