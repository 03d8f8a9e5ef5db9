#include "common/drop_count.hpp"

#include <doctest/doctest.h>

TEST_CASE("DropCount logs the first drop and then every kLogEvery-th") {
  runz::DropCount drops;
  CHECK(drops.total() == 0);
  CHECK(drops.count());
  int logged = 1;
  for (uint64_t i = 2; i <= 3 * runz::DropCount::kLogEvery; ++i) logged += drops.count() ? 1 : 0;
  CHECK(logged == 4);  // 1, 100, 200, 300
  CHECK(drops.total() == 3 * runz::DropCount::kLogEvery);
}
