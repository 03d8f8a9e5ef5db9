#include "runtime/network_follower.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

constexpr int kQuietMs = 300;       // a burst of changes ends when none came for this long
constexpr int kMaxBurstMs = 3000;   // ... or after this long in any case

}  // namespace

NetworkFollower::NetworkFollower(Zone& zone, int host_netns_fd, const Logger& log, std::string id)
    : zone_(zone), host_netns_fd_(host_netns_fd), log_(log), id_(std::move(id)), watch_(net::LinkWatch::open()) {
  auto [r, w] = make_pipe();
  stop_read_ = std::move(r);
  stop_write_ = std::move(w);
  thread_ = std::thread([this] { run(); });
}

NetworkFollower::~NetworkFollower() {
  (void)::write(stop_write_.get(), "x", 1);
  thread_.join();
}

bool NetworkFollower::wait_readable(int timeout_ms) {
  pollfd fds[2] = {{stop_read_.get(), POLLIN, 0}, {watch_.fd(), POLLIN, 0}};
  for (;;) {
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("poll the network namespace's changes");
    return (fds[0].revents & (POLLIN | POLLHUP)) == 0;
  }
}

void NetworkFollower::run() noexcept {
  try {
    for (;;) {
      if (!wait_readable(-1)) return;
      if (!watch_.drain()) continue;
      int waited = 0;
      while (waited < kMaxBurstMs) {  // until the burst is over
        const auto before = std::chrono::steady_clock::now();
        if (!wait_readable(kQuietMs)) return;
        waited += static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - before)
                                       .count());
        if (!watch_.drain()) break;
      }
      try {
        zone_.sync_network(host_netns_fd_);
      } catch (const std::exception& e) {
        log_.warn("container " + id_ + ": following its network namespace: " + e.what());
      }
    }
  } catch (const std::exception& e) {
    log_.error("container " + id_ + ": no longer following its network namespace: " + e.what());
  }
}

}  // namespace runz::runtime
