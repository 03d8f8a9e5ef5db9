// config.json `linux`: namespaces, id mappings, sysctls, devices, masked/read-only paths. Resources and
// seccomp have their own files (parse_resources.cpp, parse_seccomp.cpp).
#include "spec/names.hpp"
#include "spec/parse.hpp"
#include "spec/sections.hpp"

#include <array>
#include <set>

namespace runz::spec {

namespace detail {

namespace {

constexpr std::array<std::string_view, 9> kPropagations = {"",       "shared", "rshared",    "slave",     "rslave",
                                                           "private", "rprivate", "unbindable", "runbindable"};
constexpr uint32_t kMaxFileMode = 07777;

std::vector<Namespace> read_namespaces(const Node& node) {
  std::vector<Namespace> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    Namespace ns;
    if (item["type"].absent()) item["type"].fail("is required");
    ns.type = item["type"].str();
    if (!is_namespace_type(ns.type)) item["type"].fail("unknown namespace type " + runz::quoted(ns.type));
    if (!seen.insert(ns.type).second) item["type"].fail("duplicate namespace type " + runz::quoted(ns.type));
    ns.path = item["path"].str_or("");
    if (!ns.path.empty() && !is_absolute(ns.path)) item["path"].fail("must be an absolute path");
    out.push_back(std::move(ns));
  }
  return out;
}

std::vector<IdMapping> read_id_mappings(const Node& node) {
  std::vector<IdMapping> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    for (const char* key : {"containerID", "hostID", "size"}) {
      if (item[key].absent()) item[key].fail("is required");
    }
    IdMapping m{item["containerID"].u32(), item["hostID"].u32(), item["size"].u32()};
    if (m.size == 0) item["size"].fail("must be greater than zero");
    out.push_back(m);
  }
  return out;
}

std::vector<Device> read_devices(const Node& node) {
  std::vector<Device> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    Device d;
    d.type = item["type"].str_or("");
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p") {
      item["type"].fail("must be one of `c`, `b`, `u`, `p`");
    }
    Node path = item["path"];
    if (path.absent() || !is_absolute(path.str())) path.fail("must be an absolute path");
    d.path = path.str();
    if (d.type != "p") {
      if (item["major"].absent()) item["major"].fail("is required for type " + runz::quoted(d.type));
      if (item["minor"].absent()) item["minor"].fail("is required for type " + runz::quoted(d.type));
    }
    d.major = item["major"].opt_i64().value_or(0);
    d.minor = item["minor"].opt_i64().value_or(0);
    if (d.major < 0) item["major"].fail("must not be negative");
    if (d.minor < 0) item["minor"].fail("must not be negative");
    d.file_mode = item["fileMode"].opt_u32();
    if (d.file_mode && *d.file_mode > kMaxFileMode) item["fileMode"].fail("must be a permission mode up to 07777");
    d.uid = item["uid"].opt_u32();
    d.gid = item["gid"].opt_u32();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> read_absolute_paths(const Node& node) {
  auto paths = node.strings();
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!is_absolute(paths[i])) node.at(i).fail("must be an absolute path, got " + runz::quoted(paths[i]));
  }
  return paths;
}

nlohmann::json write_id_mappings(const std::vector<IdMapping>& mappings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : mappings) out.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
  return out;
}

nlohmann::json write_devices(const std::vector<Device>& devices) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : devices) {
    nlohmann::json j = {{"type", d.type}, {"path", d.path}};
    if (d.type != "p" || d.major != 0 || d.minor != 0) {
      j["major"] = d.major;
      j["minor"] = d.minor;
    }
    if (d.file_mode) j["fileMode"] = *d.file_mode;
    if (d.uid) j["uid"] = *d.uid;
    if (d.gid) j["gid"] = *d.gid;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

Linux read_linux(const Node& node) {
  if (!node.json().is_object()) node.fail("must be an object");
  Linux l;
  l.namespaces = read_namespaces(node["namespaces"]);
  l.uid_mappings = read_id_mappings(node["uidMappings"]);
  l.gid_mappings = read_id_mappings(node["gidMappings"]);
  if (!node["resources"].absent()) l.resources = read_resources(node["resources"]);
  l.cgroups_path = node["cgroupsPath"].str_or("");
  node["sysctl"].for_each_member([&](const std::string& key, const Node& value) {
    if (key.empty()) value.fail("sysctl name must not be empty");
    l.sysctl.emplace(key, value.str());
  });
  if (!node["seccomp"].absent()) l.seccomp = read_seccomp(node["seccomp"]);
  l.devices = read_devices(node["devices"]);
  l.masked_paths = read_absolute_paths(node["maskedPaths"]);
  l.readonly_paths = read_absolute_paths(node["readonlyPaths"]);
  l.rootfs_propagation = node["rootfsPropagation"].str_or("");
  if (!contains(kPropagations, l.rootfs_propagation)) {
    node["rootfsPropagation"].fail("unknown propagation " + runz::quoted(l.rootfs_propagation) +
                                   " (shared, slave, private, unbindable, or r-prefixed)");
  }
  l.mount_label = node["mountLabel"].str_or("");
  return l;
}

nlohmann::json write_linux(const Linux& l) {
  nlohmann::json j = nlohmann::json::object();
  if (!l.namespaces.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& ns : l.namespaces) {
      nlohmann::json item = {{"type", ns.type}};
      if (!ns.path.empty()) item["path"] = ns.path;
      list.push_back(std::move(item));
    }
    j["namespaces"] = std::move(list);
  }
  if (!l.uid_mappings.empty()) j["uidMappings"] = write_id_mappings(l.uid_mappings);
  if (!l.gid_mappings.empty()) j["gidMappings"] = write_id_mappings(l.gid_mappings);
  if (l.resources) j["resources"] = write_resources(*l.resources);
  if (!l.cgroups_path.empty()) j["cgroupsPath"] = l.cgroups_path;
  if (!l.sysctl.empty()) j["sysctl"] = l.sysctl;
  if (l.seccomp) j["seccomp"] = write_seccomp(*l.seccomp);
  if (!l.devices.empty()) j["devices"] = write_devices(l.devices);
  if (!l.masked_paths.empty()) j["maskedPaths"] = l.masked_paths;
  if (!l.readonly_paths.empty()) j["readonlyPaths"] = l.readonly_paths;
  if (!l.rootfs_propagation.empty()) j["rootfsPropagation"] = l.rootfs_propagation;
  if (!l.mount_label.empty()) j["mountLabel"] = l.mount_label;
  return j;
}

}  // namespace detail

Linux parse_linux(const nlohmann::json& linux_object) { return detail::read_linux(detail::Node(linux_object, "linux")); }

nlohmann::json to_json(const Linux& linux_section) { return detail::write_linux(linux_section); }

}  // namespace runz::spec
