// What a hostile guest can make one device's fid table hold: the fid flood stays under kMaxFidPathBytes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "xen/p9/server.hpp"
#include "xen/p9/test_support.hpp"

using namespace runz::p9;
using runz::p9::test::Client;
using runz::p9::test::TempDir;

namespace {
// `depth` nested one-letter directories a/a/a/... under `root`.
void make_deep_tree(const std::string& root, int depth) {
  runz::UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(dir);
  for (int i = 0; i < depth; ++i) {
    REQUIRE(::mkdirat(dir.get(), "a", 0755) == 0);
    dir.reset(::openat(dir.get(), "a", O_PATH | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
  }
}

// Walks fid 0 to `newfid` at depth `depth` of the tree, 16 names per Twalk (kMaxWalkNames).
void walk_deep(Client& c, uint32_t newfid, int depth) {
  c.walk_ok(0, newfid, {});
  for (int done = 0; done < depth;) {
    const int n = std::min(depth - done, 16);
    REQUIRE(c.walk_ok(newfid, newfid, std::vector<std::string>(static_cast<size_t>(n), "a")) == n);
    done += n;
  }
}
}  // namespace

TEST_CASE("path_bytes counts each component's characters and its string") {
  CHECK(path_bytes({}) == 0);
  CHECK(path_bytes({"a"}) == sizeof(std::string) + 1);
  CHECK(path_bytes({"etc", "passwd"}) == 2 * sizeof(std::string) + 9);
}

TEST_CASE("a fid flood of deep clones stops at the path budget; earlier fids keep working") {
  TempDir t;
  // 2,000 components join to 3,999 bytes (under PATH_MAX) but cost ~66 KB each as a fid: the shape of
  // the attack (8,192 such fids would be ~510 MiB).
  constexpr int kDepth = 2000;
  make_deep_tree(t.path, kDepth);
  Server s(Export::open_directory(t.path, false), ServerLimits{});  // the backend's limits
  REQUIRE(s.fid_count() == 0);
  Client c(s);
  c.start();
  walk_deep(c, 1, kDepth);
  const size_t per_fid = path_bytes(RelPath(kDepth, "a"));
  CHECK(s.fid_path_bytes() == per_fid);

  uint32_t next = 2;
  int refused_with = 0;
  for (; next < 8192; ++next) {
    const auto rep = c.walk(1, next, {});  // a clone copies the whole path
    if (rep.error() != 0) {
      refused_with = rep.error();
      break;
    }
  }
  CHECK(refused_with == ENOMEM);
  CHECK(s.fid_path_bytes() <= kMaxFidPathBytes);
  CHECK(s.fid_path_bytes() + per_fid > kMaxFidPathBytes);  // it really was full
  CHECK(s.fid_count() == next);                             // fid 0, fid 1 and the clones before `next`
  // Any walk to a path nearly as deep is refused the same way.
  CHECK(c.walk(1, next, {".."}).error() == ENOMEM);
  // The fids made before still work.
  CHECK(c.getattr(1).error() == 0);
  CHECK(c.getattr(next - 1).error() == 0);
  CHECK(c.lopen(next - 1, 0).error() == 0);
  // Clunking gives the bytes back: one more clone fits again.
  CHECK(c.clunk(next - 1).error() == 0);
  CHECK(c.walk(1, next, {}).error() == 0);
  CHECK(c.walk(1, next + 1, {}).error() == ENOMEM);
  // A new session starts from nothing.
  c.start();
  CHECK(s.fid_path_bytes() == 0);
}

TEST_CASE("a rename that would grow the fids beneath it past the budget is refused before the host rename") {
  TempDir t;
  REQUIRE(::mkdir((t / "s").c_str(), 0755) == 0);
  REQUIRE(::mkdir((t / "deep").c_str(), 0755) == 0);
  make_deep_tree(t / "deep", 60);
  ServerLimits limits;
  limits.max_fid_path_bytes = 2000;
  Server s(Export::open_directory(t.path, false), limits);
  Client c(s);
  c.start();
  for (uint32_t f = 1; f <= 10; ++f) c.walk_ok(0, f, {"s"});  // 10 fids of ~34 bytes each
  CHECK(s.fid_path_bytes() == 10 * path_bytes({"s"}));
  // The target directory at depth 20: each of the 10 fids would grow by 21 components (~700 bytes).
  c.walk_ok(0, 20, {"deep"});
  c.walk_ok(20, 20, std::vector<std::string>(16, "a"));
  c.walk_ok(20, 20, std::vector<std::string>(4, "a"));
  const auto rep = c.call(MsgType::kTrenameat, [](Writer& w) { w.u32(0); w.str("s"); w.u32(20); w.str("s"); });
  CHECK(rep.error() == ENOMEM);
  CHECK(::access((t / "s").c_str(), F_OK) == 0);  // nothing was renamed on the host
  CHECK(s.fid_path_bytes() <= limits.max_fid_path_bytes);
  // A rename that fits goes through and moves the fids along.
  CHECK(c.call(MsgType::kTrenameat, [](Writer& w) { w.u32(0); w.str("s"); w.u32(0); w.str("t"); }).error() == 0);
  CHECK(c.getattr(1).error() == 0);
  CHECK(s.fid_path_bytes() <= limits.max_fid_path_bytes);
}
