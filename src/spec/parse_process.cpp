// config.json `process`: what the guest agent runs, as which user, with which limits.
#include "spec/names.hpp"
#include "spec/parse.hpp"
#include "spec/sections.hpp"

#include <set>

namespace runz::spec {

namespace detail {

namespace {

constexpr uint32_t kMaxUmask = 0777;
constexpr int kMinOomScoreAdj = -1000;
constexpr int kMaxOomScoreAdj = 1000;

User read_user(const Node& node) {
  node.require_object();
  User user;
  // runc takes absent uid/gid as 0; so do we.
  user.uid = node["uid"].opt_u32().value_or(0);
  user.gid = node["gid"].opt_u32().value_or(0);
  user.umask = node["umask"].opt_u32();
  if (user.umask && *user.umask > kMaxUmask) node["umask"].fail("must be between 0 and 0777 (511)");
  user.additional_gids = node["additionalGids"].u32s();
  user.username = node["username"].opt_str();
  return user;
}

std::vector<std::string> read_capability_set(const Node& node) {
  auto names = node.strings();
  for (size_t i = 0; i < names.size(); ++i) {
    if (!capability_number(names[i])) node.at(i).fail("unknown capability " + runz::quoted(names[i]));
  }
  return names;
}

Capabilities read_capabilities(const Node& node) {
  node.require_object();
  Capabilities caps;
  caps.bounding = read_capability_set(node["bounding"]);
  caps.effective = read_capability_set(node["effective"]);
  caps.inheritable = read_capability_set(node["inheritable"]);
  caps.permitted = read_capability_set(node["permitted"]);
  caps.ambient = read_capability_set(node["ambient"]);
  return caps;
}

std::vector<Rlimit> read_rlimits(const Node& node) {
  std::vector<Rlimit> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    Rlimit limit;
    if (item["type"].absent()) item["type"].fail("is required (RLIMIT_*)");
    limit.type = item["type"].str();
    if (!rlimit_resource(limit.type)) item["type"].fail("unknown rlimit " + runz::quoted(limit.type));
    if (!seen.insert(limit.type).second) item["type"].fail("duplicate rlimit " + runz::quoted(limit.type));
    if (item["hard"].absent()) item["hard"].fail("is required");
    if (item["soft"].absent()) item["soft"].fail("is required");
    limit.hard = item["hard"].u64();
    limit.soft = item["soft"].u64();
    if (limit.soft > limit.hard) {
      item["soft"].fail("must not exceed hard (" + std::to_string(limit.soft) + " > " + std::to_string(limit.hard) + ")");
    }
    out.push_back(std::move(limit));
  }
  return out;
}

std::optional<ConsoleSize> read_console_size(const Node& node) {
  if (node.absent()) return std::nullopt;
  node.require_object();
  ConsoleSize size;
  if (node["height"].absent()) node["height"].fail("is required");
  if (node["width"].absent()) node["width"].fail("is required");
  size.height = node["height"].u32();
  size.width = node["width"].u32();
  return size;
}

}  // namespace

Process read_process(const Node& node) {
  if (!node.json().is_object()) node.fail("must be an object");
  Process p;
  p.terminal = node["terminal"].bool_or(false);
  p.console_size = read_console_size(node["consoleSize"]);
  if (!p.terminal) p.console_size.reset();  // the spec: runtimes MUST ignore consoleSize without a terminal
  p.user = read_user(node["user"]);

  Node args = node["args"];
  if (!args.json().is_array() || args.json().empty()) args.fail("must be a non-empty array of strings");
  p.args = args.strings();
  if (p.args.front().empty()) args.at(0).fail("must not be empty (the program to run)");

  p.env = read_env(node["env"]);

  Node cwd = node["cwd"];
  if (cwd.absent() || !is_absolute(cwd.str())) cwd.fail("must be an absolute path");
  p.cwd = cwd.str();

  if (!node["capabilities"].absent()) p.capabilities = read_capabilities(node["capabilities"]);
  p.rlimits = read_rlimits(node["rlimits"]);
  p.no_new_privileges = node["noNewPrivileges"].bool_or(false);
  p.oom_score_adj = node["oomScoreAdj"].opt_i32();
  if (p.oom_score_adj && (*p.oom_score_adj < kMinOomScoreAdj || *p.oom_score_adj > kMaxOomScoreAdj)) {
    node["oomScoreAdj"].fail("must be between -1000 and 1000");
  }
  p.apparmor_profile = node["apparmorProfile"].opt_str();
  p.selinux_label = node["selinuxLabel"].opt_str();
  return p;
}

nlohmann::json write_process(const Process& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.terminal) j["terminal"] = true;
  if (p.console_size) j["consoleSize"] = {{"height", p.console_size->height}, {"width", p.console_size->width}};
  nlohmann::json user = {{"uid", p.user.uid}, {"gid", p.user.gid}};
  if (p.user.umask) user["umask"] = *p.user.umask;
  if (!p.user.additional_gids.empty()) user["additionalGids"] = p.user.additional_gids;
  if (p.user.username) user["username"] = *p.user.username;
  j["user"] = std::move(user);
  j["args"] = p.args;
  if (!p.env.empty()) j["env"] = p.env;
  j["cwd"] = p.cwd;
  if (p.capabilities) {
    nlohmann::json caps = nlohmann::json::object();
    auto put = [&](const char* key, const std::vector<std::string>& set) {
      if (!set.empty()) caps[key] = set;
    };
    put("bounding", p.capabilities->bounding);
    put("effective", p.capabilities->effective);
    put("inheritable", p.capabilities->inheritable);
    put("permitted", p.capabilities->permitted);
    put("ambient", p.capabilities->ambient);
    j["capabilities"] = std::move(caps);
  }
  if (!p.rlimits.empty()) {
    nlohmann::json limits = nlohmann::json::array();
    for (const auto& r : p.rlimits) limits.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
    j["rlimits"] = std::move(limits);
  }
  if (p.no_new_privileges) j["noNewPrivileges"] = true;
  if (p.oom_score_adj) j["oomScoreAdj"] = *p.oom_score_adj;
  if (p.apparmor_profile) j["apparmorProfile"] = *p.apparmor_profile;
  if (p.selinux_label) j["selinuxLabel"] = *p.selinux_label;
  return j;
}

}  // namespace detail

Process parse_process(const nlohmann::json& process) { return detail::read_process(detail::Node(process, "process")); }

nlohmann::json to_json(const Process& process) { return detail::write_process(process); }

}  // namespace runz::spec
