#include "spec/default_spec.hpp"

#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

TEST_CASE("runz spec: runc's example, which parses back") {
  auto j = runz::spec::default_spec();
  auto c = runz::spec::parse_config(j);
  CHECK(c == runz::spec::default_config());
  CHECK(j["ociVersion"] == "1.2.0");
  CHECK(j["process"]["terminal"] == true);
  CHECK(j["process"]["args"] == nlohmann::json::array({"sh"}));
  CHECK(j["process"]["user"] == nlohmann::json{{"uid", 0}, {"gid", 0}});
  CHECK(j["process"]["cwd"] == "/");
  CHECK(j["process"]["noNewPrivileges"] == true);
  auto caps = nlohmann::json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  CHECK(j["process"]["capabilities"] ==
        nlohmann::json{{"bounding", caps}, {"effective", caps}, {"permitted", caps}});
  CHECK(j["process"]["rlimits"] == nlohmann::json::parse(R"([{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}])"));
  CHECK(j["root"] == nlohmann::json{{"path", "rootfs"}, {"readonly", true}});
  CHECK(j["hostname"] == "runz");
  std::vector<std::string> destinations;
  for (const auto& m : c.mounts) destinations.push_back(m.destination);
  CHECK(destinations ==
        std::vector<std::string>{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"});
  CHECK(c.mounts[5].is_readonly());
  CHECK(j["linux"]["maskedPaths"].size() == 11);
  CHECK(j["linux"]["readonlyPaths"].size() == 5);
  CHECK(j["linux"]["resources"]["devices"] == nlohmann::json::parse(R"([{"allow": false, "access": "rwm"}])"));
  CHECK(j["linux"]["namespaces"] ==
        nlohmann::json::parse(R"([{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                                  {"type": "mount"}, {"type": "cgroup"}])"));
}

TEST_CASE("runz spec --rootless: user namespace, no network, /sys bind, no uid=/gid=, no resources") {
  auto c = runz::spec::parse_config(runz::spec::default_spec(true));
  REQUIRE(c.linux_);
  std::vector<std::string> types;
  for (const auto& ns : c.linux_->namespaces) types.push_back(ns.type);
  CHECK(types == std::vector<std::string>{"pid", "ipc", "uts", "mount", "cgroup", "user"});
  CHECK(c.linux_->uid_mappings.at(0).host_id == geteuid());
  CHECK(c.linux_->gid_mappings.at(0).host_id == getegid());
  CHECK(c.linux_->uid_mappings.at(0).size == 1);
  CHECK_FALSE(c.linux_->resources);
  CHECK(c.mounts[5].is_bind());
  CHECK(c.mounts[5].source == "/sys");
  for (const auto& m : c.mounts) {
    for (const auto& o : m.options) CHECK_FALSE((o.starts_with("gid=") || o.starts_with("uid=")));
  }
}
