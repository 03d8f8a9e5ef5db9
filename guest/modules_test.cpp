#include "guest/modules.hpp"

#include <doctest/doctest.h>

using namespace runz::guest;

TEST_CASE("modules.list parsing") {
  const auto list = parse_modules_list(
      "# load order\nnetfs.ko\n\n  fscache.ko  \n9pnet.ko\n9pnet_xen.ko\n/abs/9p.ko debug=1 x=2\r\n", "/lib/modules");
  REQUIRE(list.size() == 5);
  CHECK(list[0] == ModuleEntry{"/lib/modules/netfs.ko", ""});
  CHECK(list[1].path == "/lib/modules/fscache.ko");
  CHECK(list[3].path == "/lib/modules/9pnet_xen.ko");
  CHECK(list[4] == ModuleEntry{"/abs/9p.ko", "debug=1 x=2"});
}

TEST_CASE("a missing modules.list loads nothing") { CHECK_NOTHROW(load_modules("/nonexistent/modules.list")); }
