#include "guest/rename_plan.hpp"

#include <doctest/doctest.h>

using namespace runz::guest;

TEST_CASE("rename plan: nothing when the link has the name already") {
  CHECK(plan_rename({{1, "lo"}, {2, "eth0"}}, 2, "eth0").empty());
}

TEST_CASE("rename plan: a free name is taken directly") {
  CHECK(plan_rename({{1, "lo"}, {2, "eth0"}}, 2, "ens5") == std::vector<Rename>{{2, "eth0", "ens5"}});
}

TEST_CASE("rename plan: the link holding the name moves aside first") {
  // netfront named the host's eth0 NIC eth1 and another NIC eth0
  CHECK(plan_rename({{1, "lo"}, {2, "eth0"}, {3, "eth1"}}, 3, "eth0") ==
        std::vector<Rename>{{2, "eth0", "rz-2"}, {3, "eth1", "eth0"}});
  // the temporary name is taken too
  CHECK(plan_rename({{2, "eth0"}, {3, "eth1"}, {4, "rz-2"}, {5, "rz-2-1"}}, 3, "eth0") ==
        std::vector<Rename>{{2, "eth0", "rz-2-2"}, {3, "eth1", "eth0"}});
}

TEST_CASE("rename plan: temporary names fit IFNAMSIZ") {
  const auto plan = plan_rename({{2147483647, "eth0"}, {3, "eth1"}}, 3, "eth0");
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].to == "rz-2147483647");
  CHECK(plan[0].to.size() <= 15);
}
