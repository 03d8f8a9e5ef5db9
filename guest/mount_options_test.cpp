#include "guest/mount_options.hpp"

#include <doctest/doctest.h>

#include <sys/mount.h>

using namespace runz::guest;

TEST_CASE("flag options") {
  const auto o = parse_mount_options({"ro", "nosuid", "nodev", "noexec", "relatime"});
  CHECK(o.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME));
  CHECK(o.readonly());
  CHECK_FALSE(o.bind);
  CHECK(o.data.empty());
  CHECK(o.propagation == 0);
}

TEST_CASE("later options win") {
  CHECK_FALSE(parse_mount_options({"ro", "rw"}).readonly());
  CHECK(parse_mount_options({"rw", "ro"}).readonly());
  const auto o = parse_mount_options({"nosuid", "suid"});
  CHECK((o.flags & MS_NOSUID) == 0);
  CHECK((o.clear_flags & MS_NOSUID) != 0);
}

TEST_CASE("bind, rbind and propagation") {
  auto o = parse_mount_options({"rbind", "rprivate"});
  CHECK(o.bind);
  CHECK(o.recursive);
  CHECK(o.propagation == (MS_PRIVATE | MS_REC));
  o = parse_mount_options({"bind", "shared"});
  CHECK(o.bind);
  CHECK_FALSE(o.recursive);
  CHECK(o.propagation == MS_SHARED);
  CHECK(parse_mount_options({"rslave"}).propagation == (MS_SLAVE | MS_REC));
  CHECK(parse_mount_options({"unbindable"}).propagation == MS_UNBINDABLE);
}

TEST_CASE("recursive attribute forms act like the plain ones") {
  CHECK(parse_mount_options({"rro"}).readonly());
  CHECK_FALSE(parse_mount_options({"ro", "rrw"}).readonly());
  CHECK(parse_mount_options({"rnosuid", "rnodev", "rnoexec"}).flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
  CHECK(parse_mount_options({"rrelatime"}).flags == MS_RELATIME);
}

TEST_CASE("filesystem data passes through") {
  const auto o = parse_mount_options({"nosuid", "mode=755", "size=65536k", "defaults", "newinstance"});
  CHECK(o.flags == MS_NOSUID);
  CHECK(o.data == "mode=755,size=65536k,newinstance");
}

TEST_CASE("bind_remount_flags keeps per-mount-point flags only") {
  CHECK(bind_remount_flags(parse_mount_options({"rbind", "ro", "nosuid", "sync"})) == (MS_RDONLY | MS_NOSUID));
  CHECK(bind_remount_flags(parse_mount_options({"rbind"})) == 0);
}
