#include "xen/host_check.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "common/error.hpp"

using runz::xen::check_xen_dom0;

TEST_CASE("check_xen_dom0 names Xen and what is missing") {
  char dir_template[] = "/tmp/runz-host-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir(dir_template);
  const auto caps = dir / "capabilities";
  const auto privcmd = dir / "privcmd";

  CHECK_THROWS_WITH(check_xen_dom0(caps, privcmd),
                    doctest::Contains(("runz needs a Xen dom0: " + caps.string() + " not found").c_str()));

  std::ofstream(caps) << "";  // a domU: xenfs mounted, no control_d
  CHECK_THROWS_WITH(check_xen_dom0(caps, privcmd), doctest::Contains("does not list `control_d`"));

  std::ofstream(caps) << "control_d\n";
  CHECK_THROWS_WITH(check_xen_dom0(caps, privcmd), doctest::Contains(privcmd.string().c_str()));
  CHECK_THROWS_WITH(check_xen_dom0(caps, privcmd), doctest::Contains("Xen dom0"));

  std::ofstream(privcmd) << "";
  CHECK_NOTHROW(check_xen_dom0(caps, privcmd));
  std::filesystem::remove_all(dir);
}
