// The whole config.json: reading the file, the top-level fields (ociVersion, root, hostname, annotations),
// and delegating each section to its parser.
#include "spec/parse.hpp"
#include "spec/json_text.hpp"
#include "spec/sections.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace runz::spec {

namespace detail {

namespace {

constexpr std::string_view kConfigFile = "config.json";

std::string read_oci_version(const Node& node) {
  if (node.absent()) node.fail("is required (e.g. `1.2.0`)");
  std::string version = node.str();
  if (!version.starts_with("1.")) node.fail("unsupported version " + runz::quoted(version) + " (runz reads 1.x)");
  return version;
}

Root read_root(const Node& node) {
  node.require_object();
  Root root;
  Node path = node["path"];
  if (path.absent() || path.str().empty()) path.fail("must be a non-empty path (the container's root filesystem)");
  root.path = path.str();
  if (!is_absolute(root.path) && escapes_base(root.path)) {
    path.fail("relative path " + runz::quoted(root.path) + " escapes the bundle directory");
  }
  root.readonly = node["readonly"].bool_or(false);
  return root;
}

}  // namespace

Config read_config(const Node& node) {
  if (!node.json().is_object()) node.fail("must be a JSON object");
  Config c;
  c.oci_version = read_oci_version(node["ociVersion"]);
  if (!node["process"].absent()) c.process = read_process(node["process"]);
  c.root = read_root(node["root"]);
  c.hostname = node["hostname"].str_or("");
  c.domainname = node["domainname"].str_or("");
  c.mounts = read_mounts(node["mounts"]);
  c.hooks = read_hooks(node["hooks"]);
  c.annotations = node["annotations"].string_map();
  if (!node["linux"].absent()) c.linux_ = read_linux(node["linux"]);
  return c;
}

}  // namespace detail

Config parse_config(const nlohmann::json& document) { return detail::read_config(detail::Node(document, "")); }

Config load_config(const std::filesystem::path& bundle) {
  auto file = bundle / detail::kConfigFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_errno("open " + runz::quoted(file.string()), errno != 0 ? errno : ENOENT);
  std::ostringstream text;
  text << in.rdbuf();
  const nlohmann::json document = detail::parse_json_text(text.str(), file);
  return parse_config(document);
}

nlohmann::json to_json(const Config& c) {
  nlohmann::json j = {{"ociVersion", c.oci_version}};
  if (c.process) j["process"] = to_json(*c.process);
  j["root"] = {{"path", c.root.path}};
  if (c.root.readonly) j["root"]["readonly"] = true;
  if (!c.hostname.empty()) j["hostname"] = c.hostname;
  if (!c.domainname.empty()) j["domainname"] = c.domainname;
  if (!c.mounts.empty()) j["mounts"] = detail::write_mounts(c.mounts);
  auto hooks = detail::write_hooks(c.hooks);
  if (!hooks.empty()) j["hooks"] = std::move(hooks);
  if (!c.annotations.empty()) j["annotations"] = c.annotations;
  if (c.linux_) j["linux"] = to_json(*c.linux_);
  return j;
}

const Process& require_process(const Config& config) {
  if (!config.process) throw ConfigError("process", "is required to create a container");
  return *config.process;
}

std::filesystem::path rootfs_path(const Config& config, const std::filesystem::path& bundle) {
  std::filesystem::path root(config.root.path);
  if (root.is_absolute()) return root.lexically_normal();
  return (bundle / root).lexically_normal();
}

}  // namespace runz::spec
