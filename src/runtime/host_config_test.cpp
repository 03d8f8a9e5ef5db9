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

TEST_CASE("host config: the backends' id base and fid limit") {
  TempDir tmp;
  const auto path = tmp.path / "runz.json";
  CHECK_FALSE(load_host_config(path).backend_id_base);
  CHECK(runz::zone::backend_user(load_host_config(path), 3) == 0x70000003u);

  std::ofstream(path) << R"({"backend": {"idBase": 3000000000, "maxFids": 20000}})";
  const auto host = load_host_config(path);
  CHECK(host.backend_id_base == 3000000000u);
  CHECK(host.backend_max_fids == 20000u);
  CHECK(runz::zone::backend_user(host, 3) == 3000000003u);
  CHECK_FALSE(host.max_vcpus);

  std::ofstream(path) << R"({"backend": {"idBase": 1000}})";
  CHECK(refusal(path) == path.string() + ": backend.idBase: must be an integer in [65536, 4294868992]");
  std::ofstream(path) << R"({"backend": {"idBase": 4294967295}})";
  CHECK(refusal(path).find("backend.idBase: must be an integer") != std::string::npos);
  std::ofstream(path) << R"({"backend": {"maxFids": 1}})";
  CHECK(refusal(path) == path.string() + ": backend.maxFids: must be an integer in [64, 1048576]");
  std::ofstream(path) << R"({"backend": 5})";
  CHECK(refusal(path) == path.string() + ": backend: must be an object");
}
