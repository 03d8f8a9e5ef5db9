#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

TEST_CASE("parse_linux works alone with linux.* paths") {
  auto l = runz::spec::parse_linux(json::parse(
      R"({"namespaces": [{"type": "time"}], "sysctl": {"kernel.shm_rmid_forced": "1"}, "maskedPaths": ["/proc/kcore"],
          "devices": [{"type": "p", "path": "/dev/p"}, {"type": "u", "path": "/dev/u", "major": 1, "minor": 2}]})"));
  CHECK(l.namespaces.at(0).type == "time");
  CHECK(l.sysctl.at("kernel.shm_rmid_forced") == "1");
  CHECK(l.devices.size() == 2);
  CHECK_THROWS_WITH_AS(runz::spec::parse_linux(json::parse(R"({"namespaces": [{"type": "net"}]})")),
                       "config.json: linux.namespaces[0].type: unknown namespace type `net`", runz::spec::ConfigError);
  CHECK_THROWS_WITH_AS(runz::spec::parse_linux(json::parse(R"({"namespaces": [{}]})")),
                       "config.json: linux.namespaces[0].type: is required", runz::spec::ConfigError);
}

TEST_CASE("linux round-trips through to_json") {
  json doc = json::parse(R"({
    "namespaces": [{"type": "pid"}, {"type": "user"}],
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "cgroupsPath": "system.slice:runz:abc",
    "sysctl": {"a.b": "c"},
    "devices": [{"type": "b", "path": "/dev/sda", "major": 8, "minor": 0}],
    "maskedPaths": ["/proc/acpi"], "readonlyPaths": ["/proc/bus"],
    "rootfsPropagation": "private", "mountLabel": "m"})");
  auto l = runz::spec::parse_linux(doc);
  CHECK(runz::spec::to_json(l) == doc);
  CHECK(runz::spec::parse_linux(runz::spec::to_json(l)) == l);
  CHECK(runz::spec::to_json(runz::spec::Linux{}) == json::object());
}

TEST_CASE("devices: numbers and modes are checked") {
  CHECK_THROWS_WITH(runz::spec::parse_linux(json::parse(R"({"devices": [{"type": "c", "path": "/d", "major": -1, "minor": 0}]})")),
                    "config.json: linux.devices[0].major: must not be negative");
  CHECK_THROWS_WITH(runz::spec::parse_linux(json::parse(R"({"devices": [{"type": "p", "path": "/d", "fileMode": 65535}]})")),
                    "config.json: linux.devices[0].fileMode: must be a permission mode up to 07777");
  CHECK_THROWS_WITH(runz::spec::parse_linux(json::parse(R"({"devices": [{"path": "/d"}]})")),
                    "config.json: linux.devices[0].type: must be one of `c`, `b`, `u`, `p`");
}
