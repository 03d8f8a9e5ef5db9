// config.json `hooks`: programs run on the host at lifecycle points (runc semantics).
#include "spec/sections.hpp"

#include "common/error.hpp"

namespace runz::spec::detail {

namespace {

std::vector<Hook> read_hook_list(const Node& node) {
  std::vector<Hook> hooks;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    Hook h;
    Node path = item["path"];
    if (path.absent() || !is_absolute(path.str())) path.fail("must be an absolute path");
    h.path = path.str();
    h.args = item["args"].strings();
    h.env = read_env(item["env"]);
    h.timeout = item["timeout"].opt_i32();
    if (h.timeout && *h.timeout <= 0) item["timeout"].fail("must be greater than zero (seconds)");
    hooks.push_back(std::move(h));
  }
  return hooks;
}

nlohmann::json write_hook_list(const std::vector<Hook>& hooks) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hooks) {
    nlohmann::json j = {{"path", h.path}};
    if (!h.args.empty()) j["args"] = h.args;
    if (!h.env.empty()) j["env"] = h.env;
    if (h.timeout) j["timeout"] = *h.timeout;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

Hooks read_hooks(const Node& node) {
  node.require_object();
  Hooks h;
  h.prestart = read_hook_list(node["prestart"]);
  h.create_runtime = read_hook_list(node["createRuntime"]);
  h.create_container = read_hook_list(node["createContainer"]);
  h.start_container = read_hook_list(node["startContainer"]);
  h.poststart = read_hook_list(node["poststart"]);
  h.poststop = read_hook_list(node["poststop"]);
  return h;
}

nlohmann::json write_hooks(const Hooks& h) {
  nlohmann::json j = nlohmann::json::object();
  auto put = [&](const char* key, const std::vector<Hook>& list) {
    if (!list.empty()) j[key] = write_hook_list(list);
  };
  put("prestart", h.prestart);
  put("createRuntime", h.create_runtime);
  put("createContainer", h.create_container);
  put("startContainer", h.start_container);
  put("poststart", h.poststart);
  put("poststop", h.poststop);
  return j;
}

}  // namespace runz::spec::detail
