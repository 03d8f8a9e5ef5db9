// Confinement of lookups beneath an export root, straight against the filesystem.
#include "xen/p9/export.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "xen/p9/op_error.hpp"
#include "xen/p9/test_support.hpp"

using namespace runz::p9;

namespace {
int lookup_errno(const Export& e, const RelPath& p) {
  try {
    (void)e.lookup(p);
  } catch (const OpError& err) {
    return err.err;
  }
  return 0;
}
}  // namespace

TEST_CASE("lookups stay beneath the export root and never follow symlinks") {
  test::TempDir outside;
  std::ofstream(outside / "secret") << "host secret";
  test::TempDir t;
  ::mkdir((t / "root").c_str(), 0755);
  ::mkdir((t / "root/dir").c_str(), 0755);
  std::ofstream(t / "root/dir/file") << "data";
  REQUIRE(::symlink((outside / "secret").c_str(), (t / "root/abs").c_str()) == 0);
  REQUIRE(::symlink("../../x", (t / "root/rel_escape").c_str()) == 0);
  REQUIRE(::symlink("dir", (t / "root/inside").c_str()) == 0);
  REQUIRE(::symlink("/proc/self/root", (t / "root/magic").c_str()) == 0);
  Export e = Export::open_directory(t / "root", false);

  CHECK(lookup_errno(e, {}) == 0);
  CHECK(lookup_errno(e, {"dir", "file"}) == 0);
  // The link itself can be looked up (O_PATH | O_NOFOLLOW), and is a symlink, not its target.
  runz::UniqueFd link = e.lookup({"abs"});
  struct stat st {};
  REQUIRE(::fstatat(link.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0);
  CHECK(S_ISLNK(st.st_mode));
  // Traversing through any symlink fails, wherever it points.
  CHECK(lookup_errno(e, {"abs", "x"}) == ELOOP);
  CHECK(lookup_errno(e, {"inside", "file"}) == ELOOP);
  CHECK(lookup_errno(e, {"rel_escape", "x"}) == ELOOP);
  CHECK(lookup_errno(e, {"magic", "etc"}) == ELOOP);
  // A ".." component (never produced by the fid layer) is still refused by RESOLVE_BENEATH.
  CHECK(lookup_errno(e, {"..", "root"}) == EXDEV);
  CHECK(lookup_errno(e, {"dir", "..", "..", "root"}) == EXDEV);
  CHECK(lookup_errno(e, {"missing"}) == ENOENT);
}

TEST_CASE("single-file export resolves only its one name") {
  test::TempDir t;
  std::ofstream(t / "hosts") << "127.0.0.1 localhost\n";
  std::ofstream(t / "sibling") << "not exported";
  Export e = Export::open_single_file(t / "hosts", "hosts", true);
  CHECK(e.single_file());
  CHECK(e.read_only());
  CHECK(lookup_errno(e, {"hosts"}) == 0);
  CHECK(lookup_errno(e, {"sibling"}) == ENOENT);
  CHECK(lookup_errno(e, {"hosts", "x"}) == ENOENT);
  CHECK_THROWS(Export::open_single_file(t / "hosts", "a/b", true));
  CHECK_THROWS(Export::open_single_file(t.path, "dir", true));  // not a regular file
}
