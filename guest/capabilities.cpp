#include "guest/capabilities.hpp"

#include "common/error.hpp"
#include "spec/names.hpp"

#include <cstdio>
#include <fstream>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace runz::guest {

namespace {

uint64_t mask_of(const std::vector<std::string>& names, int last_cap) {
  uint64_t mask = 0;
  for (const auto& name : names) {
    const auto number = spec::capability_number(name);
    if (!number) throw Error("unknown capability " + runz::quoted(name), EINVAL);
    if (*number > last_cap || *number > 63) continue;
    mask |= uint64_t{1} << *number;
  }
  return mask;
}

}  // namespace

CapabilityMasks capability_masks(const spec::Capabilities& caps, int last_cap) {
  CapabilityMasks m;
  m.bounding = mask_of(caps.bounding, last_cap);
  m.effective = mask_of(caps.effective, last_cap);
  m.permitted = mask_of(caps.permitted, last_cap);
  m.inheritable = mask_of(caps.inheritable, last_cap);
  m.ambient = mask_of(caps.ambient, last_cap);
  return m;
}

int kernel_last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int value = -1;
  if (in >> value && value > 0 && value < 64) return value;
  return CAP_LAST_CAP;
}

void drop_bounding_set(const CapabilityMasks& masks, int last_cap) {
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (masks.bounding & (uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, static_cast<unsigned long>(cap), 0UL, 0UL, 0UL) != 0 && errno != EINVAL)
      throw_errno("drop capability " + std::to_string(cap) + " from the bounding set");
  }
}

void apply_capabilities(const CapabilityMasks& masks, int last_cap) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  const auto lo = [](uint64_t v) { return static_cast<uint32_t>(v & 0xFFFFFFFFu); };
  const auto hi = [](uint64_t v) { return static_cast<uint32_t>(v >> 32); };
  data[0] = {lo(masks.effective), lo(masks.permitted), lo(masks.inheritable)};
  data[1] = {hi(masks.effective), hi(masks.permitted), hi(masks.inheritable)};
  if (::syscall(SYS_capset, &header, data) != 0) throw_errno("capset");
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) != 0 && errno != EINVAL)
    throw_errno("clear the ambient capability set");
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (!(masks.ambient & (uint64_t{1} << cap))) continue;
    // Raising needs the capability in permitted and inheritable; runc skips ones that fail, so do we.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap), 0UL, 0UL) != 0 &&
        errno != EPERM && errno != EINVAL)
      throw_errno("raise ambient capability " + std::to_string(cap));
  }
}

uint64_t current_effective_caps() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (::syscall(SYS_capget, &header, data) != 0) throw_errno("capget");
  return (static_cast<uint64_t>(data[1].effective) << 32) | data[0].effective;
}

}  // namespace runz::guest
