#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/container_ops.hpp"
#include "spec/default_spec.hpp"

namespace runz::runtime {

void write_default_spec(const std::filesystem::path& bundle, bool rootless) {
  const std::filesystem::path path = bundle / "config.json";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) throw Error("File config.json exists. Remove it first");
  write_file_atomic(path, spec::default_spec(rootless).dump(2) + "\n", 0644);
}

}  // namespace runz::runtime
