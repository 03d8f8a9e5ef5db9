// process.capabilities applied with raw capget/capset/prctl (no libcap): bounding set drop, then after the
// uid switch effective/permitted/inheritable, then ambient raise. Names resolve through runz::spec's table
// (the kernel's numbering); a name the running kernel does not know (above cap_last_cap) is skipped, as runc does.
#pragma once

#include "spec/config.hpp"

#include <cstdint>

namespace runz::guest {

// Capability sets as bit masks, bit n = capability number n.
struct CapabilityMasks {
  uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;

  bool operator==(const CapabilityMasks&) const = default;
};

// Names → masks, keeping only capabilities 0..last_cap. Throws runz::Error for a name that is not a
// capability at all ("unknown capability `CAP_FOO`").
CapabilityMasks capability_masks(const spec::Capabilities& caps, int last_cap);

// The running kernel's highest capability number (/proc/sys/kernel/cap_last_cap; 40 if unreadable).
int kernel_last_cap();

// Drops every capability not in masks.bounding from the bounding set (needs CAP_SETPCAP).
void drop_bounding_set(const CapabilityMasks& masks, int last_cap);
// capset(effective, permitted, inheritable) then raises the ambient set. Throws runz::Error with errno.
void apply_capabilities(const CapabilityMasks& masks, int last_cap);
// The calling thread's effective set (capget), for tests.
uint64_t current_effective_caps();

}  // namespace runz::guest
