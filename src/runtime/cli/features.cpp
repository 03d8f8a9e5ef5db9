// runz features: the runtime-spec features document.
#include <nlohmann/json.hpp>
#include <ostream>

#include "runtime/cli/command.hpp"
#include "spec/features.hpp"

namespace runz::runtime::cli {

int run(const Runtime&, const FeaturesCommand&, std::ostream& out) {
  out << spec::features_json().dump(4) << '\n';
  return 0;
}

}  // namespace runz::runtime::cli
