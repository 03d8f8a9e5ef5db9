#include "xen/p9/backend_config.hpp"

#include <doctest/doctest.h>

#include "common/error.hpp"

using namespace runz::p9;

TEST_CASE("--export values") {
  auto a = parse_export_spec("0:rootfs:/var/lib/b/rootfs");
  CHECK(a.devid == 0);
  CHECK(a.tag == "rootfs");
  CHECK(a.host_path == "/var/lib/b/rootfs");
  CHECK_FALSE(a.read_only);
  CHECK_FALSE(a.file_name.has_value());
  auto b = parse_export_spec("2:m1:/run/x/hosts:ro:file=hosts");
  CHECK(b.read_only);
  CHECK(b.file_name == std::string("hosts"));
  CHECK(b.host_path == "/run/x/hosts");
  auto c = parse_export_spec("3:m2:/a:b/c:file=f:ro");
  CHECK(c.host_path == "/a:b/c");
  CHECK(c.read_only);
  CHECK(c.file_name == std::string("f"));
  auto d = parse_export_spec("4:m3:/odd:path");
  CHECK(d.host_path == "/odd:path");
  for (const char* bad : {"", "0", "0:rootfs", "x:rootfs:/a", "0::/a", "0:bad/tag:/a", "0:rootfs:relative",
                          "0:rootfs:/a:file=", "0:rootfs:/a:file=..", "0:rootfs:/a:file=a/b",
                          "0:0123456789012345678901234567890123:/a"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_export_spec(bad), runz::Error);
  }
}

TEST_CASE("argv") {
  auto cfg = parse_backend_args({"--domid", "5", "--export", "0:rootfs:/r", "--export", "1:m0:/h:ro:file=hosts",
                                 "--no-seccomp"});
  CHECK(cfg.domid == 5);
  CHECK(cfg.exports.size() == 2);
  CHECK_FALSE(cfg.seccomp);
  using V = std::vector<std::string>;
  for (const V& bad : {V{}, V{"--export", "0:r:/r"}, V{"--domid", "0", "--export", "0:r:/r"}, V{"--domid", "5"},
                       V{"--domid"}, V{"--domid", "5", "--export", "0:r:/r", "--export", "0:s:/s"},
                       V{"--domid", "5", "--export", "0:r:/r", "--export", "1:r:/s"},
                       V{"--domid", "5", "--export", "0:r:/r", "--bogus"},
                       V{"--domid", "5", "--export", "0:r:/r", "--write-nodes"}}) {
    CHECK_THROWS_AS(parse_backend_args(bad), runz::Error);
  }
}
