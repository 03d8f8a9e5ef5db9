#include "guest/cpu_hotplug.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "guest/kernel_file.hpp"

namespace runz::guest {
namespace {

constexpr std::string_view kAddCpuPrefix = "add@/devices/system/cpu/cpu";
constexpr unsigned kKernelUeventGroup = 1;
constexpr unsigned kMaxCpu = 1u << 16;

}  // namespace

std::optional<unsigned> added_cpu(std::string_view uevent) {
  // The header ends at the first NUL; the KEY=VALUE lines after it are not needed.
  const std::string_view header = uevent.substr(0, uevent.find('\0'));
  if (!header.starts_with(kAddCpuPrefix)) return std::nullopt;
  const std::string_view digits = header.substr(kAddCpuPrefix.size());
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  unsigned cpu = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cpu);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || cpu > kMaxCpu) return std::nullopt;
  return cpu;
}

CpuHotplug::CpuHotplug() {
  sock_.reset(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT));
  if (!sock_) throw_errno("uevent socket");
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = kKernelUeventGroup;
  if (::bind(sock_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) throw_errno("bind uevent socket");
}

std::vector<std::string> CpuHotplug::on_readable() {
  std::vector<std::string> lines;
  std::array<char, 8192> buf;
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(sock_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != ENOBUFS) lines.push_back(std::string("uevent socket: ") + std::strerror(errno));
      return lines;  // EAGAIN: drained; ENOBUFS: events were lost, the next ones still come
    }
    if (from.nl_pid != 0) continue;  // only the kernel's own events
    const auto cpu = added_cpu(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!cpu) continue;
    const std::string online = "/sys/devices/system/cpu/cpu" + std::to_string(*cpu) + "/online";
    try {
      write_kernel_file(online, "1");
      lines.push_back("cpu " + std::to_string(*cpu) + " added by the host: brought online");
    } catch (const std::exception& e) {
      lines.push_back("cpu " + std::to_string(*cpu) + " was added but not brought online: " + e.what());
    }
  }
}

}  // namespace runz::guest
