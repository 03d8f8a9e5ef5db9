// The 9P core against a real temporary directory, driven through handle() like a transport would.
#include "xen/p9/server.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "xen/p9/test_support.hpp"

using namespace runz::p9;
using runz::p9::test::Client;
using runz::p9::test::read_qid;
using runz::p9::test::TempDir;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
constexpr uint32_t kRdonly = 0;
constexpr uint32_t kRdwr = 2;
}  // namespace

TEST_CASE("version negotiates msize and only 9P2000.L") {
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{65536, 64});
  Client c(s);
  auto v = c.call(MsgType::kTversion, [](Writer& w) { w.u32(1u << 20); w.str("9P2000.L"); });
  REQUIRE(v.error() == 0);
  auto r = v.body();
  CHECK(r.u32() == 65536);
  CHECK(r.str() == "9P2000.L");
  CHECK(s.msize() == 65536);
  auto old = c.call(MsgType::kTversion, [](Writer& w) { w.u32(8192); w.str("9P2000.u"); });
  auto ro = old.body();
  CHECK(ro.u32() == 8192);
  CHECK(ro.str() == "unknown");
  CHECK_FALSE(s.versioned());
  // Nothing but Tversion before a session exists.
  auto a = c.call(MsgType::kTattach, [](Writer& w) { w.u32(0); w.u32(kNoFid); w.str(""); w.str(""); w.u32(0); });
  CHECK(a.error() == EPROTO);
}

TEST_CASE("a full read/write/create/mkdir/readdir/rename/unlink session") {
  TempDir t;
  std::ofstream(t / "hello.txt") << "hello world";
  Server s(Export::open_directory(t.path, false), ServerLimits{65536, 64});
  Client c(s);
  const Qid root = c.start();
  CHECK(root.type == kQtDir);

  SUBCASE("walk, open and read") {
    CHECK(c.walk_ok(0, 1, {"hello.txt"}) == 1);
    auto o = c.lopen(1, kRdonly);
    REQUIRE(o.error() == 0);
    CHECK(c.read_string(1, 0, 100) == "hello world");
    CHECK(c.read_string(1, 6, 100) == "world");
    CHECK(c.read_string(1, 100, 100).empty());
    CHECK(c.clunk(1).error() == 0);
    CHECK(c.clunk(1).error() == EBADF);
  }
  SUBCASE("a read larger than msize is clamped") {
    std::ofstream(t / "big") << std::string(100000, 'x');
    c.walk_ok(0, 1, {"big"});
    REQUIRE(c.lopen(1, kRdonly).error() == 0);
    auto rep = c.read(1, 0, 1u << 30);
    REQUIRE(rep.error() == 0);
    auto r = rep.body();
    CHECK(r.u32() == 65536 - kIoHeaderBytes);
  }
  SUBCASE("create, write, getattr, setattr, fsync") {
    c.walk_ok(0, 1, {});
    auto cr = c.lcreate(1, "new.txt", kRdwr, 0640);
    REQUIRE(cr.error() == 0);
    auto w = c.write(1, 0, "abc");
    REQUIRE(w.error() == 0);
    auto wr = w.body();
    CHECK(wr.u32() == 3);
    CHECK(c.call(MsgType::kTfsync, [](Writer& m) { m.u32(1); m.u32(0); }).error() == 0);
    CHECK(slurp(t / "new.txt") == "abc");
    struct stat st {};
    REQUIRE(::stat((t / "new.txt").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);

    auto ga = c.getattr(1);
    REQUIRE(ga.error() == 0);
    auto gr = ga.body();
    CHECK(gr.u64() == kGetattrBasic);
    CHECK(read_qid(gr).path == st.st_ino);
    CHECK(gr.u32() == st.st_mode);

    auto sa = c.call(MsgType::kTsetattr, [](Writer& m) {
      m.u32(1); m.u32(kSetattrMode | kSetattrSize | kSetattrMtime | kSetattrMtimeSet);
      m.u32(0600); m.u32(0); m.u32(0); m.u64(1); m.u64(0); m.u64(0); m.u64(1000); m.u64(5);
    });
    REQUIRE(sa.error() == 0);
    REQUIRE(::stat((t / "new.txt").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_size == 1);
    CHECK(st.st_mtim.tv_sec == 1000);
    CHECK(st.st_mtim.tv_nsec == 5);
    auto chown = c.call(MsgType::kTsetattr, [](Writer& m) {
      m.u32(1); m.u32(kSetattrUid | kSetattrGid); m.u32(0); m.u32(1234); m.u32(5678);
      m.u64(0); m.u64(0); m.u64(0); m.u64(0); m.u64(0);
    });
    REQUIRE(chown.error() == 0);
    REQUIRE(::stat((t / "new.txt").c_str(), &st) == 0);
    CHECK(st.st_uid == 1234);
    CHECK(st.st_gid == 5678);
  }
  SUBCASE("mkdir, readdir, rename, renameat, unlinkat, remove") {
    REQUIRE(c.mkdir(0, "d").error() == 0);
    CHECK(c.mkdir(0, "d").error() == EEXIST);
    c.walk_ok(0, 1, {"d"});
    c.walk_ok(0, 2, {});
    REQUIRE(c.lcreate(2, "f", kRdwr, 0644).error() == 0);
    // Trename f (fid 2) into d as g.
    auto rn = c.call(MsgType::kTrename, [](Writer& m) { m.u32(2); m.u32(1); m.str("g"); });
    REQUIRE(rn.error() == 0);
    CHECK(::access((t / "d/g").c_str(), F_OK) == 0);
    // The renamed fid follows its file: it now lives in d (Tremove of it would remove d/g); and walking
    // from a file is refused.
    CHECK(c.walk(2, 3, {".."}).error() == ENOTDIR);
    c.walk_ok(1, 3, {});
    REQUIRE(c.lopen(3, kRdonly).error() == 0);
    auto names = c.readdir_all(3);
    CHECK(contains(names, "g"));
    CHECK(contains(names, "."));
    auto ra = c.call(MsgType::kTrenameat, [](Writer& m) { m.u32(1); m.str("g"); m.u32(0); m.str("top"); });
    REQUIRE(ra.error() == 0);
    CHECK(::access((t / "top").c_str(), F_OK) == 0);
    auto ul = c.call(MsgType::kTunlinkat, [](Writer& m) { m.u32(0); m.str("top"); m.u32(0); });
    REQUIRE(ul.error() == 0);
    CHECK(::access((t / "top").c_str(), F_OK) != 0);
    auto rd = c.call(MsgType::kTunlinkat, [](Writer& m) { m.u32(0); m.str("d"); m.u32(kDotlAtRemovedir); });
    REQUIRE(rd.error() == 0);
    REQUIRE(c.mkdir(0, "e").error() == 0);
    c.walk_ok(0, 4, {"e"});
    REQUIRE(c.call(MsgType::kTremove, [](Writer& m) { m.u32(4); }).error() == 0);
    CHECK(::access((t / "e").c_str(), F_OK) != 0);
    CHECK(c.clunk(4).error() == EBADF);  // Tremove clunked it
  }
  SUBCASE("readdir pages through many entries") {
    for (int i = 0; i < 300; ++i) std::ofstream(t / ("file-" + std::to_string(i)));
    c.walk_ok(0, 1, {});
    REQUIRE(c.lopen(1, kRdonly).error() == 0);
    auto names = c.readdir_all(1, 512);
    CHECK(names.size() == 300 + 3);  // files, hello.txt, "." and ".."
    for (int i = 0; i < 300; ++i) CHECK(contains(names, "file-" + std::to_string(i)));
  }
  SUBCASE("symlink, readlink, link, mknod, statfs, lock") {
    auto sl = c.call(MsgType::kTsymlink, [](Writer& m) { m.u32(0); m.str("ln"); m.str("/etc/passwd"); m.u32(0); });
    REQUIRE(sl.error() == 0);
    auto slr = sl.body();
    CHECK(read_qid(slr).type == kQtSymlink);
    c.walk_ok(0, 1, {"ln"});
    auto rl = c.call(MsgType::kTreadlink, [](Writer& m) { m.u32(1); });
    REQUIRE(rl.error() == 0);
    auto rlr = rl.body();
    CHECK(rlr.str() == "/etc/passwd");
    c.walk_ok(0, 2, {"hello.txt"});
    auto lk = c.call(MsgType::kTlink, [](Writer& m) { m.u32(0); m.u32(2); m.str("hard"); });
    REQUIRE(lk.error() == 0);
    CHECK(slurp(t / "hard") == "hello world");
    auto fifo = c.call(MsgType::kTmknod, [](Writer& m) {
      m.u32(0); m.str("fifo"); m.u32(S_IFIFO | 0644); m.u32(0); m.u32(0); m.u32(0);
    });
    REQUIRE(fifo.error() == 0);
    auto dev = c.call(MsgType::kTmknod, [](Writer& m) {
      m.u32(0); m.str("sda"); m.u32(S_IFBLK | 0644); m.u32(8); m.u32(0); m.u32(0);
    });
    CHECK(dev.error() == EPERM);
    auto chr = c.call(MsgType::kTmknod, [](Writer& m) {
      m.u32(0); m.str("mem"); m.u32(S_IFCHR | 0644); m.u32(1); m.u32(1); m.u32(0);
    });
    CHECK(chr.error() == EPERM);
    CHECK(::access((t / "sda").c_str(), F_OK) != 0);
    // A fifo is never opened on the host.
    c.walk_ok(0, 3, {"fifo"});
    CHECK(c.lopen(3, kRdonly).error() == EPERM);
    auto sf = c.call(MsgType::kTstatfs, [](Writer& m) { m.u32(0); });
    CHECK(sf.error() == 0);
    auto lock = c.call(MsgType::kTlock, [](Writer& m) {
      m.u32(2); m.u8(1); m.u32(0); m.u64(0); m.u64(0); m.u32(1); m.str("client");
    });
    REQUIRE(lock.error() == 0);
    auto lr = lock.body();
    CHECK(lr.u8() == kLockSuccess);
    auto gl = c.call(MsgType::kTgetlock, [](Writer& m) { m.u32(2); m.u8(1); m.u64(0); m.u64(10); m.u32(1); m.str("c"); });
    REQUIRE(gl.error() == 0);
    auto glr = gl.body();
    CHECK(glr.u8() == kLockTypeUnlck);
    auto xw = c.call(MsgType::kTxattrwalk, [](Writer& m) { m.u32(2); m.u32(9); m.str("user.x"); });
    CHECK(xw.error() == EOPNOTSUPP);
    auto fl = c.call(MsgType::kTflush, [](Writer& m) { m.u16(7); });
    CHECK(fl.error() == 0);
  }
  SUBCASE("partial walk returns the qids walked and creates no fid") {
    ::mkdir((t / "a").c_str(), 0755);
    auto rep = c.walk(0, 1, {"a", "missing", "x"});
    REQUIRE(rep.error() == 0);
    auto r = rep.body();
    CHECK(r.u16() == 1);
    CHECK(c.clunk(1).error() == EBADF);
    CHECK(c.walk(0, 1, {"missing"}).error() == ENOENT);
    CHECK(c.walk(0, 1, {"hello.txt", "x"}).error() == 0);  // partial: 1 qid
    CHECK(c.clunk(1).error() == EBADF);
  }
}

TEST_CASE("escapes: .. at the root, symlinks out, magic links") {
  TempDir outside;
  std::ofstream(outside / "secret") << "host secret";
  TempDir t;
  ::mkdir((t / "root").c_str(), 0755);
  std::ofstream(t / "root/inner") << "inside";
  std::ofstream(t / "sibling") << "outside the export";
  ::symlink("/etc/passwd", (t / "root/passwd").c_str());
  ::symlink("../../x", (t / "root/up").c_str());
  ::symlink((outside / "secret").c_str(), (t / "root/abs").c_str());
  ::symlink("/proc/self/cwd", (t / "root/magic").c_str());
  ::symlink("/", (t / "root/slash").c_str());
  Server s(Export::open_directory(t / "root", false), ServerLimits{65536, 64});
  Client c(s);
  const Qid root = c.start();

  // ".." at the root stays at the root, however many times.
  auto up = c.walk(0, 1, {"..", "..", ".."});
  REQUIRE(up.error() == 0);
  auto ur = up.body();
  REQUIRE(ur.u16() == 3);
  CHECK(read_qid(ur) == root);
  CHECK(c.walk(1, 2, {"sibling"}).error() == ENOENT);
  CHECK(c.walk(0, 2, {"..", "sibling"}).error() == 0);  // partial: ".." ok, sibling not found
  CHECK(c.clunk(2).error() == EBADF);

  for (const char* link : {"passwd", "up", "abs", "magic", "slash"}) {
    CAPTURE(link);
    // Walking *to* a link gives the link; opening it or walking *through* it fails.
    REQUIRE(c.walk_ok(0, 10, {link}) == 1);
    CHECK(c.lopen(10, kRdonly).error() == ELOOP);
    CHECK(c.lopen(10, kRdwr).error() == ELOOP);
    auto through = c.walk(0, 11, {link, "x"});
    REQUIRE(through.error() == 0);
    auto tr = through.body();
    CHECK(tr.u16() == 1);  // stops at the link
    CHECK(c.clunk(11).error() == EBADF);
    CHECK(c.walk(10, 11, {"etc"}).error() == ENOTDIR);
    // Trying to create through it: the link is not a directory.
    CHECK(c.lcreate(10, "pwn", kRdwr, 0644).error() == ENOTDIR);
    CHECK(c.clunk(10).error() == 0);
  }
  // Names with "/" are malformed, not lookups.
  CHECK(c.walk(0, 12, {"../sibling"}).error() == EINVAL);
  CHECK(c.walk(0, 12, {"/etc"}).error() == EINVAL);
  CHECK(c.mkdir(0, "..").error() == EINVAL);
  // Setattr on a link to a host file changes the link only (it has no mode: refused).
  c.walk_ok(0, 13, {"passwd"});
  auto chmod = c.call(MsgType::kTsetattr, [](Writer& m) {
    m.u32(13); m.u32(kSetattrMode); m.u32(0777); m.u32(0); m.u32(0); m.u64(0); m.u64(0); m.u64(0); m.u64(0); m.u64(0);
  });
  CHECK(chmod.error() == EOPNOTSUPP);
  struct stat st {};
  REQUIRE(::stat((outside / "secret").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) != 0777);
  // Link creation cannot pull a host file in (fids only name things inside).
  CHECK(slurp(outside / "secret") == "host secret");
}

TEST_CASE("a read-only export refuses every modifying request with EROFS") {
  TempDir t;
  std::ofstream(t / "f") << "data";
  ::mkdir((t / "d").c_str(), 0755);
  Server s(Export::open_directory(t.path, true), ServerLimits{65536, 64});
  Client c(s);
  c.start();
  c.walk_ok(0, 1, {"f"});
  CHECK(c.lopen(1, 1).error() == EROFS);
  CHECK(c.lopen(1, kRdwr).error() == EROFS);
  CHECK(c.lopen(1, kDotlTrunc).error() == EROFS);
  REQUIRE(c.lopen(1, kRdonly).error() == 0);
  CHECK(c.read_string(1, 0, 10) == "data");
  CHECK(c.write(1, 0, "x").error() == EROFS);
  c.walk_ok(0, 2, {});
  CHECK(c.lcreate(2, "n", kRdwr, 0644).error() == EROFS);
  CHECK(c.mkdir(0, "n").error() == EROFS);
  CHECK(c.call(MsgType::kTmknod, [](Writer& m) { m.u32(0); m.str("n"); m.u32(S_IFREG | 0644); m.u32(0); m.u32(0); m.u32(0); }).error() == EROFS);
  CHECK(c.call(MsgType::kTsymlink, [](Writer& m) { m.u32(0); m.str("n"); m.str("f"); m.u32(0); }).error() == EROFS);
  CHECK(c.call(MsgType::kTlink, [](Writer& m) { m.u32(0); m.u32(1); m.str("n"); }).error() == EROFS);
  CHECK(c.call(MsgType::kTrename, [](Writer& m) { m.u32(1); m.u32(0); m.str("n"); }).error() == EROFS);
  CHECK(c.call(MsgType::kTrenameat, [](Writer& m) { m.u32(0); m.str("f"); m.u32(0); m.str("n"); }).error() == EROFS);
  CHECK(c.call(MsgType::kTunlinkat, [](Writer& m) { m.u32(0); m.str("f"); m.u32(0); }).error() == EROFS);
  CHECK(c.call(MsgType::kTsetattr, [](Writer& m) {
    m.u32(1); m.u32(kSetattrMode); m.u32(0777); m.u32(0); m.u32(0); m.u64(0); m.u64(0); m.u64(0); m.u64(0); m.u64(0);
  }).error() == EROFS);
  CHECK(c.call(MsgType::kTxattrcreate, [](Writer& m) { m.u32(1); m.str("user.a"); m.u64(1); m.u32(0); }).error() == EROFS);
  c.walk_ok(0, 3, {"d"});
  CHECK(c.call(MsgType::kTremove, [](Writer& m) { m.u32(3); }).error() == EROFS);
  CHECK(::access((t / "d").c_str(), F_OK) == 0);
  CHECK(::access((t / "f").c_str(), F_OK) == 0);
  CHECK(slurp(t / "f") == "data");
}

TEST_CASE("a single-file export shows exactly one file") {
  TempDir t;
  std::ofstream(t / "hosts.source") << "127.0.0.1 localhost\n";
  std::ofstream(t / "other") << "not exported";
  SUBCASE("read-only") {
    Server s(Export::open_single_file(t / "hosts.source", "hosts", true), ServerLimits{65536, 64});
    Client c(s);
    const Qid root = c.start();
    CHECK(root.type == kQtDir);
    c.walk_ok(0, 1, {});
    REQUIRE(c.lopen(1, kRdonly).error() == 0);
    auto names = c.readdir_all(1);
    CHECK(names == std::vector<std::string>{".", "..", "hosts"});
    CHECK(c.walk(0, 2, {"other"}).error() == ENOENT);
    CHECK(c.walk(0, 2, {"hosts.source"}).error() == ENOENT);
    CHECK(c.walk_ok(0, 2, {"hosts"}) == 1);
    CHECK(c.walk(2, 3, {"x"}).error() == ENOTDIR);
    CHECK(c.walk(2, 3, {".."}).error() == ENOTDIR);
    CHECK(c.lopen(2, kRdwr).error() == EROFS);
    REQUIRE(c.lopen(2, kRdonly).error() == 0);
    CHECK(c.read_string(2, 0, 100) == "127.0.0.1 localhost\n");
    CHECK(c.write(2, 0, "x").error() == EROFS);
    CHECK(c.mkdir(0, "d").error() == EROFS);
    CHECK(c.call(MsgType::kTunlinkat, [](Writer& m) { m.u32(0); m.str("hosts"); m.u32(0); }).error() == EROFS);
    CHECK(c.getattr(0).error() == 0);
    CHECK(c.call(MsgType::kTstatfs, [](Writer& m) { m.u32(0); }).error() == 0);
  }
  SUBCASE("writable file, immutable directory") {
    Server s(Export::open_single_file(t / "hosts.source", "hosts", false), ServerLimits{65536, 64});
    Client c(s);
    c.start();
    c.walk_ok(0, 2, {"hosts"});
    REQUIRE(c.lopen(2, kRdwr).error() == 0);
    REQUIRE(c.write(2, 0, "10.0.0.1").error() == 0);
    CHECK(slurp(t / "hosts.source").substr(0, 8) == "10.0.0.1");
    CHECK(c.mkdir(0, "d").error() == EPERM);
    CHECK(c.lcreate(0, "n", kRdwr, 0644).error() == EPERM);
    CHECK(c.call(MsgType::kTremove, [](Writer& m) { m.u32(2); }).error() == EPERM);
    CHECK(::access((t / "hosts.source").c_str(), F_OK) == 0);
  }
}

TEST_CASE("the fid table has a hard limit") {
  TempDir t;
  Server s(Export::open_directory(t.path, false), ServerLimits{65536, 4});
  Client c(s);
  c.start();
  for (uint32_t f = 1; f < 4; ++f) c.walk_ok(0, f, {});
  CHECK(c.walk(0, 4, {}).error() == EMFILE);
  CHECK(c.clunk(3).error() == 0);
  CHECK(c.walk(0, 4, {}).error() == 0);
  // A new Tversion drops every fid.
  c.start();
  CHECK(s.fid_count() == 1);
}
