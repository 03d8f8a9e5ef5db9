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

// <section>.<key>: an integer in [min, max], or absent.
std::optional<uint32_t> integer(const json& section, const char* name, const char* key, uint64_t min, uint64_t max,
                                const std::string& where) {
  const auto it = section.find(key);
  if (it == section.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned() || it->get<uint64_t>() < min || it->get<uint64_t>() > max)
    throw Error(where + ": " + name + "." + key + ": must be an integer in [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]",
                EINVAL);
  return static_cast<uint32_t>(it->get<uint64_t>());
}

// The object `name` of the document, or null when absent.
const json* section(const json& document, const char* name, const std::string& where) {
  const auto it = document.find(name);
  if (it == document.end() || it->is_null()) return nullptr;
  if (!it->is_object()) throw Error(where + ": " + name + ": must be an object", EINVAL);
  return &*it;
}

}  // namespace

HostSettings load_host_config(const std::filesystem::path& path) {
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
  HostSettings host;
  if (const json* zone = section(document, "zone", where)) {
    host.max_memory_mib = integer(*zone, "zone", "maxMemoryMiB", 1, uint64_t{1} << 20, where);
    host.max_vcpus = integer(*zone, "zone", "maxVcpus", 1, 128, where);
  }
  if (const json* backend = section(document, "backend", where)) {
    // Below 65536 are the host's own users: a backend sharing one would share what it owns.
    host.backend_id_base = integer(*backend, "backend", "idBase", 65536, zone::kMaxBackendIdBase, where);
    host.backend_max_fids = integer(*backend, "backend", "maxFids", 64, 1 << 20, where);
  }
  return host;
}

std::filesystem::path host_config_path() {
  const char* env = std::getenv("RUNZ_CONFIG");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(kHostConfigPath);
}

}  // namespace runz::runtime
