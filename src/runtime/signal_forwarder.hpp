// While a CLI command waits for a process in a zone (`run`, `exec`), the signals a user sends to it go to
// that process, as with runc: they are blocked here and handed to `deliver` from a thread of its own.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace runz::runtime {

class SignalForwarder {
 public:
  // `deliver` may throw (the process is exiting); that is ignored, the wait tells the outcome.
  explicit SignalForwarder(std::function<void(int)> deliver);
  ~SignalForwarder();
  SignalForwarder(const SignalForwarder&) = delete;
  SignalForwarder& operator=(const SignalForwarder&) = delete;

 private:
  void loop();

  std::function<void(int)> deliver_;
  sigset_t set_{}, old_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace runz::runtime
