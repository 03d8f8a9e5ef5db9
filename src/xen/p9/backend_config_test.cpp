#include "xen/p9/backend_config.hpp"

#include <doctest/doctest.h>

#include "common/error.hpp"

using namespace runz::p9;

TEST_CASE("an export's id, path and options are separate arguments") {
  auto cfg = parse_backend_args({"--domid", "5", "--user", "1879048197:1879048197", "--export", "0:rootfs", "--path",
                                 "/var/lib/b/rootfs", "--export", "2:m1", "--path", "/run/x/hosts", "--ro", "--file",
                                 "hosts", "--no-seccomp"});
  CHECK(cfg.domid == 5);
  REQUIRE(cfg.exports.size() == 2);
  CHECK_FALSE(cfg.seccomp);
  const ExportSpec& a = cfg.exports[0];
  CHECK(a.devid == 0);
  CHECK(a.tag == "rootfs");
  CHECK(a.host_path == "/var/lib/b/rootfs");
  CHECK_FALSE(a.read_only);
  CHECK_FALSE(a.file_name.has_value());
  const ExportSpec& b = cfg.exports[1];
  CHECK(b.read_only);
  CHECK(b.file_name == std::string("hosts"));
  CHECK(b.host_path == "/run/x/hosts");
}

TEST_CASE("a host path that looks like options is served as that path") {
  // the old DEVID:TAG:HOSTPATH[:ro][:file=NAME] form peeled these off and served /data instead
  for (const char* path : {"/data:ro", "/data:file=x", "/a:b/c:file=f:ro", "/odd:path"}) {
    auto cfg = parse_backend_args({"--domid", "5", "--user", "9:9", "--export", "0:m0", "--path", path});
    CAPTURE(path);
    CHECK(cfg.exports[0].host_path == path);
    CHECK_FALSE(cfg.exports[0].read_only);
    CHECK_FALSE(cfg.exports[0].file_name.has_value());
  }
}

TEST_CASE("confinement is on unless turned off; the probe needs no domain") {
  auto cfg = parse_backend_args({"--domid", "5", "--user", "1879048197:1879048198", "--export", "0:rootfs", "--path", "/r"});
  CHECK(cfg.seccomp);
  CHECK(cfg.confine);
  CHECK_FALSE(cfg.probe_confinement);
  CHECK(cfg.uid == 1879048197u);
  CHECK(cfg.gid == 1879048198u);
  CHECK(cfg.max_fids == kDefaultMaxFids);
  auto unconfined = parse_backend_args({"--domid", "5", "--export", "0:r", "--path", "/r", "--no-confine"});
  CHECK_FALSE(unconfined.confine);
  CHECK(unconfined.uid == 0u);  // stays who started it
  auto probe = parse_backend_args({"--probe-confinement", "--user", "7:7"});
  CHECK(probe.probe_confinement);
  CHECK(probe.exports.empty());
  CHECK(parse_backend_args({"--probe-confinement", "--user", "7:7", "--export", "0:r", "--path", "/r", "--ro"})
            .exports.size() == 1);
  CHECK(parse_backend_args({"--domid", "5", "--user", "7:7", "--max-fids", "100", "--export", "0:r", "--path", "/r"})
            .max_fids == 100u);
  CHECK_THROWS_AS(parse_backend_args({"--probe-confinement", "--user", "7:7", "--no-seccomp"}), runz::Error);
  CHECK_THROWS_AS(parse_backend_args({"--probe-confinement", "--user", "7:7", "--no-confine"}), runz::Error);
}

TEST_CASE("bad export ids") {
  for (const char* bad : {"", "0", "x:rootfs", "0:", "0:bad/tag", "0:rootfs:/a", "0:0123456789012345678901234567890123"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_export_id(bad), runz::Error);
  }
}

TEST_CASE("argv") {
  using V = std::vector<std::string>;
  for (const V& bad : {V{}, V{"--export", "0:r", "--path", "/r"}, V{"--domid", "0", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5"}, V{"--domid"}, V{"--domid", "5", "--export", "0:r"},
                       V{"--domid", "5", "--path", "/r"}, V{"--domid", "5", "--ro", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--export", "0:r", "--path", "relative"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--path", "/s"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--file", ".."},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--file", "a/b"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--file", ""},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--export", "0:s", "--path", "/s"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--export", "1:r", "--path", "/s"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--bogus"},
                       V{"--domid", "5", "--export", "0:r", "--path", "/r", "--write-nodes"},
                       // confined: a user is required, and it is not root
                       V{"--domid", "5", "--export", "0:r", "--path", "/r"}, V{"--probe-confinement"},
                       V{"--domid", "5", "--user", "0:7", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--user", "7:0", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--user", "7", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--user", "4294967295:7", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--user", "7:7", "--max-fids", "0", "--export", "0:r", "--path", "/r"},
                       V{"--domid", "5", "--user", "7:7", "--max-fids", "x", "--export", "0:r", "--path", "/r"}}) {
    CHECK_THROWS_AS(parse_backend_args(bad), runz::Error);
  }
}
