#include "guest/capabilities.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

#include <linux/capability.h>

using namespace runz::guest;

TEST_CASE("capability names map to kernel numbers") {
  runz::spec::Capabilities caps;
  caps.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHECKPOINT_RESTORE"};
  caps.effective = {"CAP_KILL"};
  caps.permitted = {"CAP_KILL", "CAP_SYS_ADMIN"};
  caps.ambient = {"CAP_BPF"};
  const auto m = capability_masks(caps, 40);
  CHECK(m.bounding == ((1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << 40)));
  CHECK(m.effective == (1ULL << 5));
  CHECK(m.permitted == ((1ULL << 5) | (1ULL << 21)));
  CHECK(m.inheritable == 0);
  CHECK(m.ambient == (1ULL << 39));
}

TEST_CASE("capabilities above the kernel's last one are skipped") {
  runz::spec::Capabilities caps;
  caps.bounding = {"CAP_BPF", "CAP_CHOWN"};
  CHECK(capability_masks(caps, 38).bounding == 1ULL);
}

TEST_CASE("unknown capability names are errors") {
  runz::spec::Capabilities caps;
  caps.effective = {"CAP_FLY"};
  CHECK_THROWS_WITH_AS(capability_masks(caps, 40), "unknown capability `CAP_FLY`", runz::Error);
}

TEST_CASE("kernel_last_cap reads a sane value") {
  const int last = kernel_last_cap();
  CHECK(last >= 36);
  CHECK(last < 64);
}
