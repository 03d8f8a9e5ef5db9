#include "shim-v2/rootfs_mount.hpp"

#include <doctest/doctest.h>
#include <sys/mount.h>

using namespace runz::shim;

TEST_CASE("parse_mount_options: flags, clearing flags, propagation, filesystem data") {
  auto o = parse_mount_options({"ro", "nosuid", "nodev", "lowerdir=/a:/b", "upperdir=/u", "workdir=/w"});
  CHECK(o.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV));
  CHECK(o.data == "lowerdir=/a:/b,upperdir=/u,workdir=/w");
  CHECK(o.propagation == 0);

  o = parse_mount_options({"rbind", "ro", "rw", "rprivate"});
  CHECK(o.flags == (MS_BIND | MS_REC));
  CHECK(o.propagation == (MS_PRIVATE | MS_REC));
  CHECK(o.data.empty());

  CHECK(parse_mount_options({}).flags == 0);
  CHECK(parse_mount_options({"defaults"}).flags == 0);
}
