// vCPUs the host makes available while the zone runs (runz update): the zone kernel's Xen CPU-hotplug
// driver registers the CPU when the host sets cpu/N/availability to "online", and leaves bringing it up to
// userspace (udev's job on a distribution). The agent is PID 1 and the zone has no udev, so it listens to
// the kernel's uevents and writes 1 to /sys/devices/system/cpu/cpuN/online for each CPU added. Taking a
// vCPU away needs nothing here: the kernel offlines it itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"

namespace runz::guest {

// The CPU number of a kernel uevent that adds a CPU ("add@/devices/system/cpu/cpuN\0..."); nullopt for any
// other event or a malformed one.
std::optional<unsigned> added_cpu(std::string_view uevent);

class CpuHotplug {
 public:
  // Opens the uevent socket; throws runz::Error.
  CpuHotplug();
  int fd() const noexcept { return sock_.get(); }
  // Reads what is queued and brings each added CPU online. Returns one line per CPU for the agent's log;
  // errors are among them, never thrown: a CPU that stays offline does not stop the agent.
  std::vector<std::string> on_readable();

 private:
  UniqueFd sock_;
};

}  // namespace runz::guest
