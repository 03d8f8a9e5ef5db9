#include "runtime/host_config.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "runtime/test_support.hpp"

using runz::runtime::load_host_config;
using runz::runtime::test::TempDir;

namespace {

std::string refusal(const std::filesystem::path& path) {
  try {
    load_host_config(path);
  } catch (const runz::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("host config: absent is runz's defaults; zone limits read and checked, naming the file and field") {
  TempDir tmp;
  const auto path = tmp.path / "runz.json";
  CHECK_FALSE(load_host_config(path).max_memory_mib);
  CHECK_FALSE(load_host_config(path).max_vcpus);

  std::ofstream(path) << R"({"zone": {"maxMemoryMiB": 4096, "maxVcpus": 8}, "other": 1})";
  const auto limits = load_host_config(path);
  CHECK(limits.max_memory_mib == 4096u);
  CHECK(limits.max_vcpus == 8u);

  std::ofstream(path) << R"({"zone": {"maxVcpus": 2}})";
  CHECK_FALSE(load_host_config(path).max_memory_mib);
  CHECK(load_host_config(path).max_vcpus == 2u);

  std::ofstream(path) << R"({"zone": {"maxVcpus": 0}})";
  CHECK(refusal(path) == path.string() + ": zone.maxVcpus: must be an integer in [1, 128]");
  std::ofstream(path) << R"({"zone": {"maxMemoryMiB": "4g"}})";
  CHECK(refusal(path).find("zone.maxMemoryMiB: must be an integer") != std::string::npos);
  std::ofstream(path) << R"({"zone": []})";
  CHECK(refusal(path) == path.string() + ": zone: must be an object");
  std::ofstream(path) << "{";
  CHECK(refusal(path) == path.string() + ": not valid JSON");
}
