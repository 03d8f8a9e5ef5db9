// The monitor follows the container's network namespace once `create` connected the zone's network: each
// change rtnetlink announces (an interface added by `docker network connect` or a chained CNI plugin, one
// removed, addresses or routes changed) makes the zone sync its NICs again (Zone::sync_network), after a
// short quiet period so that a tool's burst of changes (move, rename, address, route, up) is seen whole.
#pragma once

#include <string>
#include <thread>

#include "common/fd.hpp"
#include "net/link_watch.hpp"
#include "runtime/log.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

class NetworkFollower {
 public:
  // Watches the calling thread's namespace (the monitor's: the container's).
  NetworkFollower(Zone& zone, int host_netns_fd, const Logger& log, std::string id);
  ~NetworkFollower();  // stops following; returns once the thread ended
  NetworkFollower(const NetworkFollower&) = delete;
  NetworkFollower& operator=(const NetworkFollower&) = delete;

 private:
  void run() noexcept;
  bool wait_readable(int timeout_ms);  // false: stop was asked

  Zone& zone_;
  int host_netns_fd_;
  const Logger& log_;
  std::string id_;
  net::LinkWatch watch_;
  UniqueFd stop_read_, stop_write_;
  std::thread thread_;
};

}  // namespace runz::runtime
