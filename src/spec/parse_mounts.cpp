// config.json `mounts`, plus the derived Mount::is_bind / is_readonly the zone builder uses to pick 9pfs
// exports (bind mounts) and their read-only flag.
#include "spec/sections.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace runz::spec {

bool Mount::is_bind() const {
  return type == "bind" ||
         std::any_of(options.begin(), options.end(), [](const std::string& o) { return o == "bind" || o == "rbind"; });
}

bool Mount::is_readonly() const {
  bool readonly = false;
  for (const auto& o : options) {
    if (o == "ro" || o == "rro") readonly = true;
    if (o == "rw" || o == "rrw") readonly = false;
  }
  return readonly;
}

namespace detail {

std::vector<Mount> read_mounts(const Node& node) {
  std::vector<Mount> mounts;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    Mount m;
    Node destination = item["destination"];
    if (destination.absent() || !is_absolute(destination.str())) destination.fail("must be an absolute path");
    m.destination = destination.str();
    m.type = item["type"].str_or("");
    m.source = item["source"].str_or("");
    m.options = item["options"].strings();
    mounts.push_back(std::move(m));
  }
  return mounts;
}

nlohmann::json write_mounts(const std::vector<Mount>& mounts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : mounts) {
    nlohmann::json j = {{"destination", m.destination}};
    if (!m.type.empty()) j["type"] = m.type;
    if (!m.source.empty()) j["source"] = m.source;
    if (!m.options.empty()) j["options"] = m.options;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace detail
}  // namespace runz::spec
