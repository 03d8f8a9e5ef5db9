// Set-id bits never reach the host from a zone (mode_policy.hpp): create, mkdir, mknod and setattr asking
// for them leave a host file without them; new entries are owned as asked, by descriptor.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "xen/p9/mode_policy.hpp"
#include "xen/p9/server.hpp"
#include "xen/p9/test_support.hpp"

using namespace runz::p9;
using runz::p9::test::Client;
using runz::p9::test::Reply;
using runz::p9::test::TempDir;

namespace {
constexpr uint32_t kRdwr = 2;
constexpr mode_t kSetid = S_ISUID | S_ISGID;

struct stat host_stat(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

Reply setattr_mode(Client& c, uint32_t fid, uint32_t mode) {
  return c.call(MsgType::kTsetattr, [&](Writer& w) {
    w.u32(fid); w.u32(kSetattrMode); w.u32(mode); w.u32(0); w.u32(0);
    for (int i = 0; i < 5; ++i) w.u64(0);
  });
}
}  // namespace

TEST_CASE("permitted_mode strips set-id bits, and the sticky bit from non-directories") {
  CHECK(permitted_mode(04755, false) == 0755);
  CHECK(permitted_mode(02755, false) == 0755);
  CHECK(permitted_mode(07777, false) == 0777);
  CHECK(permitted_mode(07777, true) == 01777);
  CHECK(permitted_mode(0100644, false) == 0644);  // type bits are not permission bits
}

TEST_CASE("a zone cannot make set-id files or directories on the host") {
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{65536, 64});
  Client c(s);
  c.start();

  SUBCASE("Tlcreate 04755 and 02755") {
    c.walk_ok(0, 1, {});
    REQUIRE(c.lcreate(1, "suid", kRdwr, 04755).error() == 0);
    c.walk_ok(0, 2, {});
    REQUIRE(c.lcreate(2, "sgid", kRdwr, 02755).error() == 0);
    CHECK((host_stat(t / "suid").st_mode & 07777) == 0755);
    CHECK((host_stat(t / "sgid").st_mode & 07777) == 0755);
    CHECK(host_stat(t / "suid").st_uid == 0);  // asked owner: the attaching uid (0), still no set-uid
  }
  SUBCASE("Tmkdir 04755, 02755, and the sticky 01777 that directories keep") {
    REQUIRE(c.mkdir(0, "d1", 04755).error() == 0);
    REQUIRE(c.mkdir(0, "d2", 02755).error() == 0);
    REQUIRE(c.mkdir(0, "tmp", 01777).error() == 0);
    CHECK((host_stat(t / "d1").st_mode & 07777) == 0755);
    CHECK((host_stat(t / "d2").st_mode & 07777) == 0755);
    CHECK((host_stat(t / "tmp").st_mode & 07000) == S_ISVTX);  // the permission bits pass the umask
  }
  SUBCASE("Tmknod of a regular file with 06755") {
    const auto mk = c.call(MsgType::kTmknod, [](Writer& w) {
      w.u32(0); w.str("node"); w.u32(S_IFREG | 06755); w.u32(0); w.u32(0); w.u32(0);
    });
    REQUIRE(mk.error() == 0);
    CHECK((host_stat(t / "node").st_mode & 07777) == 0755);
  }
  SUBCASE("Tsetattr mode 04755 on a file, 06777 on a directory") {
    std::ofstream(t / "f") << "x";
    REQUIRE(::mkdir((t / "d").c_str(), 0755) == 0);
    c.walk_ok(0, 1, {"f"});
    c.walk_ok(0, 2, {"d"});
    REQUIRE(setattr_mode(c, 1, 04755).error() == 0);
    REQUIRE(setattr_mode(c, 2, 06777).error() == 0);
    CHECK((host_stat(t / "f").st_mode & 07777) == 0755);
    CHECK((host_stat(t / "d").st_mode & 07777) == 0777);
    REQUIRE(setattr_mode(c, 2, 01777).error() == 0);
    CHECK((host_stat(t / "d").st_mode & 07777) == 01777);
  }
  SUBCASE("an existing set-uid file loses its set-id bits when the zone opens it for writing") {
    std::ofstream(t / "prog") << "#!/bin/sh\n";
    REQUIRE(::chmod((t / "prog").c_str(), 06755) == 0);
    c.walk_ok(0, 1, {"prog"});
    REQUIRE(c.lopen(1, 0).error() == 0);  // reading keeps them
    CHECK((host_stat(t / "prog").st_mode & kSetid) == kSetid);
    c.walk_ok(0, 2, {"prog"});
    REQUIRE(c.lopen(2, kRdwr).error() == 0);
    CHECK((host_stat(t / "prog").st_mode & 07777) == 0755);
  }
}

TEST_CASE("a new entry gets the attaching uid and the request's gid, through its descriptor") {
  if (::geteuid() != 0) return;  // chown to another uid needs root (the backend runs as root)
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{65536, 64});
  Client c(s);
  REQUIRE(c.call(MsgType::kTversion, [](Writer& w) { w.u32(65536); w.str(kVersion9P2000L); }).error() == 0);
  REQUIRE(c.call(MsgType::kTattach, [](Writer& w) {
             w.u32(0); w.u32(kNoFid); w.str("u"); w.str(""); w.u32(1234);
           }).error() == 0);
  c.walk_ok(0, 1, {});
  REQUIRE(c.call(MsgType::kTlcreate, [](Writer& w) {
             w.u32(1); w.str("owned"); w.u32(kRdwr); w.u32(04755); w.u32(4321);
           }).error() == 0);
  const struct stat st = host_stat(t / "owned");
  CHECK(st.st_uid == 1234);
  CHECK(st.st_gid == 4321);
  CHECK((st.st_mode & kSetid) == 0);
  // The fid stands for the created file: writes through it land there.
  CHECK(c.write(1, 0, "data").error() == 0);
  std::ifstream in(t / "owned");
  std::string got;
  in >> got;
  CHECK(got == "data");
  // mkdir and symlink are owned the same way.
  REQUIRE(c.call(MsgType::kTmkdir, [](Writer& w) { w.u32(0); w.str("dir"); w.u32(02755); w.u32(4321); }).error() == 0);
  CHECK(host_stat(t / "dir").st_uid == 1234);
  CHECK(host_stat(t / "dir").st_gid == 4321);
  REQUIRE(c.call(MsgType::kTsymlink, [](Writer& w) { w.u32(0); w.str("ln"); w.str("/x"); w.u32(4321); }).error() == 0);
  CHECK(host_stat(t / "ln").st_uid == 1234);
}
