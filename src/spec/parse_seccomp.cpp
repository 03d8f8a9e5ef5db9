// config.json `linux.seccomp`: the filter the guest agent loads (libseccomp names) before exec.
#include "spec/names.hpp"
#include "spec/sections.hpp"

#include "common/error.hpp"

namespace runz::spec::detail {

namespace {

constexpr uint32_t kMaxSyscallArgIndex = 5;  // syscalls take at most six arguments

std::string read_action(const Node& node) {
  if (node.absent()) node.fail("is required (SCMP_ACT_*)");
  std::string action = node.str();
  if (!contains(seccomp_actions(), action)) node.fail("unknown seccomp action " + runz::quoted(action));
  return action;
}

// errnoRet only makes sense for actions that return an errno to the caller.
void check_errno_ret(const Node& node, const std::string& action, const std::optional<uint32_t>& errno_ret) {
  if (errno_ret && action != "SCMP_ACT_ERRNO" && action != "SCMP_ACT_TRACE") {
    node.fail("is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + runz::quoted(action));
  }
}

std::vector<SeccompArg> read_args(const Node& node) {
  std::vector<SeccompArg> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    SeccompArg a;
    if (item["index"].absent()) item["index"].fail("is required");
    a.index = item["index"].u32();
    if (a.index > kMaxSyscallArgIndex) item["index"].fail("must be between 0 and 5");
    if (item["value"].absent()) item["value"].fail("is required");
    a.value = item["value"].u64();
    a.value_two = item["valueTwo"].opt_u64().value_or(0);
    if (item["op"].absent()) item["op"].fail("is required (SCMP_CMP_*)");
    a.op = item["op"].str();
    if (!contains(seccomp_operators(), a.op)) item["op"].fail("unknown seccomp operator " + runz::quoted(a.op));
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<SeccompSyscall> read_syscalls(const Node& node) {
  std::vector<SeccompSyscall> out;
  for (size_t i = 0; i < node.array_size(); ++i) {
    Node item = node.at(i);
    if (!item.json().is_object()) item.fail("must be an object");
    SeccompSyscall s;
    Node names = item["names"];
    if (!names.json().is_array() || names.json().empty()) names.fail("must be a non-empty array of strings");
    s.names = names.strings();
    for (size_t n = 0; n < s.names.size(); ++n) {
      if (s.names[n].empty()) names.at(n).fail("must not be empty");
    }
    s.action = read_action(item["action"]);
    s.errno_ret = item["errnoRet"].opt_u32();
    check_errno_ret(item["errnoRet"], s.action, s.errno_ret);
    s.args = read_args(item["args"]);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> read_known(const Node& node, std::span<const std::string_view> table, const char* what) {
  auto names = node.strings();
  for (size_t i = 0; i < names.size(); ++i) {
    if (!contains(table, names[i])) node.at(i).fail(std::string("unknown seccomp ") + what + " " + runz::quoted(names[i]));
  }
  return names;
}

}  // namespace

Seccomp read_seccomp(const Node& node) {
  node.require_object();
  Seccomp s;
  s.default_action = read_action(node["defaultAction"]);
  s.default_errno_ret = node["defaultErrnoRet"].opt_u32();
  check_errno_ret(node["defaultErrnoRet"], s.default_action, s.default_errno_ret);
  s.architectures = read_known(node["architectures"], seccomp_archs(), "architecture");
  s.flags = read_known(node["flags"], seccomp_flags(), "flag");
  s.syscalls = read_syscalls(node["syscalls"]);
  s.listener_path = node["listenerPath"].str_or("");
  if (!s.listener_path.empty() && !is_absolute(s.listener_path)) node["listenerPath"].fail("must be an absolute path");
  s.listener_metadata = node["listenerMetadata"].str_or("");
  bool notifies = s.default_action == "SCMP_ACT_NOTIFY";
  for (const auto& call : s.syscalls) notifies = notifies || call.action == "SCMP_ACT_NOTIFY";
  if (notifies && s.listener_path.empty()) node["listenerPath"].fail("is required when SCMP_ACT_NOTIFY is used");
  return s;
}

nlohmann::json write_seccomp(const Seccomp& s) {
  nlohmann::json j = {{"defaultAction", s.default_action}};
  if (s.default_errno_ret) j["defaultErrnoRet"] = *s.default_errno_ret;
  if (!s.architectures.empty()) j["architectures"] = s.architectures;
  if (!s.flags.empty()) j["flags"] = s.flags;
  if (!s.listener_path.empty()) j["listenerPath"] = s.listener_path;
  if (!s.listener_metadata.empty()) j["listenerMetadata"] = s.listener_metadata;
  if (!s.syscalls.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& call : s.syscalls) {
      nlohmann::json item = {{"names", call.names}, {"action", call.action}};
      if (call.errno_ret) item["errnoRet"] = *call.errno_ret;
      if (!call.args.empty()) {
        nlohmann::json args = nlohmann::json::array();
        for (const auto& a : call.args) {
          nlohmann::json arg = {{"index", a.index}, {"value", a.value}, {"op", a.op}};
          if (a.value_two != 0) arg["valueTwo"] = a.value_two;
          args.push_back(std::move(arg));
        }
        item["args"] = std::move(args);
      }
      list.push_back(std::move(item));
    }
    j["syscalls"] = std::move(list);
  }
  return j;
}

}  // namespace runz::spec::detail
