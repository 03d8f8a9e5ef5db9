#include "runtime/host_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

using json = nlohmann::json;

// zone.<key>: an integer in [1, max], or absent.
std::optional<uint32_t> limit(const json& zone, const char* key, uint64_t max, const std::string& where) {
  const auto it = zone.find(key);
  if (it == zone.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 || it->get<uint64_t>() > max)
    throw Error(where + ": zone." + key + ": must be an integer in [1, " + std::to_string(max) + "]", EINVAL);
  return static_cast<uint32_t>(it->get<uint64_t>());
}

}  // namespace

ZoneLimits load_host_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return {};
    throw_errno("read " + runz::quoted(path.string()));
  }
  const std::string where = path.string();
  const json document = json::parse(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), nullptr,
                                    /*allow_exceptions=*/false);
  if (document.is_discarded()) throw Error(where + ": not valid JSON", EINVAL);
  if (!document.is_object()) throw Error(where + ": must be a JSON object", EINVAL);
  ZoneLimits limits;
  const auto zone = document.find("zone");
  if (zone == document.end() || zone->is_null()) return limits;
  if (!zone->is_object()) throw Error(where + ": zone: must be an object", EINVAL);
  limits.max_memory_mib = limit(*zone, "maxMemoryMiB", uint64_t{1} << 20, where);
  limits.max_vcpus = limit(*zone, "maxVcpus", 128, where);
  return limits;
}

std::filesystem::path host_config_path() {
  const char* env = std::getenv("RUNZ_CONFIG");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(kHostConfigPath);
}

}  // namespace runz::runtime
