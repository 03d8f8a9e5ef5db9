#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using runz::spec::Mount;

TEST_CASE("Mount::is_bind and is_readonly") {
  struct Case {
    Mount mount;
    bool bind;
    bool readonly;
  };
  const Case cases[] = {
      {{"/a", "bind", "/x", {}}, true, false},
      {{"/a", "", "/x", {"rbind", "ro"}}, true, true},
      {{"/a", "none", "/x", {"bind"}}, true, false},
      {{"/a", "tmpfs", "tmpfs", {"ro", "rw"}}, false, false},
      {{"/a", "tmpfs", "tmpfs", {"rw", "ro"}}, false, true},
      {{"/a", "", "/x", {"rbind", "rro"}}, true, true},
      {{"/a", "proc", "proc", {"nosuid"}}, false, false},
      {{"/a", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}}, false, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.mount.type);
    CHECK(c.mount.is_bind() == c.bind);
    CHECK(c.mount.is_readonly() == c.readonly);
  }
}

TEST_CASE("mounts keep their order and round-trip; type and source are optional") {
  auto c = runz::spec::parse_config(json::parse(R"({"ociVersion": "1.2.0", "root": {"path": "r"}, "mounts": [
      {"destination": "/b", "type": "bind", "source": "/host/b", "options": ["bind"]},
      {"destination": "/a"}]})"));
  REQUIRE(c.mounts.size() == 2);
  CHECK(c.mounts[0].destination == "/b");
  CHECK(c.mounts[1].type.empty());
  CHECK(c.mounts[1].source.empty());
  CHECK(runz::spec::parse_config(runz::spec::to_json(c)) == c);
}
