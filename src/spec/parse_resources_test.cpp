#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {
runz::spec::Resources resources(const char* text) {
  return *runz::spec::parse_linux(json{{"resources", json::parse(text)}}).resources;
}
std::string error_of(const char* text) {
  try {
    resources(text);
  } catch (const runz::spec::ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("memory: -1 means unlimited, swap may equal the limit") {
  auto r = resources(R"({"memory": {"limit": -1, "swap": -1, "reservation": 0}})");
  CHECK(r.memory->limit == -1);
  CHECK(resources(R"({"memory": {"limit": 100, "swap": 100}})").memory->swap == 100);
  CHECK(error_of(R"({"memory": {"kernel": -3}})") ==
        "config.json: linux.resources.memory.kernel: must be -1 (unlimited) or a non-negative number of bytes");
  CHECK(error_of(R"({"memory": {"disableOOMKiller": 1}})") ==
        "config.json: linux.resources.memory.disableOOMKiller: must be a boolean");
}

TEST_CASE("cpu: quota, period, cpus, idle") {
  auto r = resources(R"({"cpu": {"quota": -1, "period": 1000000, "cpus": "0,2-7,9", "mems": "", "idle": 0}})");
  CHECK(r.cpu->quota == -1);
  CHECK(r.cpu->cpus == "0,2-7,9");
  CHECK(resources(R"({"cpu": {"quota": 0, "period": 0}})").cpu->period == 0u);
  for (const char* bad : {"-", "1-", ",1", "1,", "1--2", "a", "1 2"}) {
    CAPTURE(std::string(bad));
    json cpu = {{"cpu", {{"cpus", bad}}}};
    CHECK_THROWS_WITH(runz::spec::parse_linux(json{{"resources", cpu}}),
                      "config.json: linux.resources.cpu.cpus: must be a CPU list like `0-3,5`");
  }
  CHECK(error_of(R"({"cpu": {"idle": 2}})") == "config.json: linux.resources.cpu.idle: must be 0 or 1");
  CHECK(error_of(R"({"cpu": {"mems": "x"}})") == "config.json: linux.resources.cpu.mems: must be a node list like `0-1`");
}

TEST_CASE("pids and hugepages") {
  CHECK(resources(R"({"pids": {"limit": -1}})").pids->limit == -1);
  CHECK(resources(R"({"pids": {"limit": 0}})").pids->limit == 0);
  for (const char* good : {"2MB", "1GB", "64KB", "16GB"}) {
    CAPTURE(std::string(good));
    json h = {{"hugepageLimits", json::array({{{"pageSize", good}, {"limit", 1}}})}};
    CHECK(runz::spec::parse_linux(json{{"resources", h}}).resources->hugepage_limits.at(0).page_size == good);
  }
  for (const char* bad : {"2mb", "02MB", "MB", "2TB", "2 MB", "B"}) {
    CAPTURE(std::string(bad));
    json h = {{"hugepageLimits", json::array({{{"pageSize", bad}, {"limit", 1}}})}};
    CHECK_THROWS_AS(runz::spec::parse_linux(json{{"resources", h}}), runz::spec::ConfigError);
  }
  CHECK(error_of(R"({"hugepageLimits": [{"pageSize": "2MB"}]})") ==
        "config.json: linux.resources.hugepageLimits[0].limit: is required");
}

TEST_CASE("device cgroup rules") {
  auto r = resources(R"({"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "a"},
                                     {"allow": true, "type": "b", "major": 8, "minor": -1, "access": "r"}]})");
  CHECK(r.devices.size() == 3);
  CHECK(r.devices[2].minor == -1);
  CHECK(error_of(R"({"devices": [{"allow": true, "type": "p"}]})") ==
        "config.json: linux.resources.devices[0].type: must be one of `a`, `c`, `b`");
}
