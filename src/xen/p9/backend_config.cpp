#include "xen/p9/backend_config.hpp"

#include <cerrno>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "common/error.hpp"
#include "xen/p9/xenbus_backend.hpp"

namespace runz::p9 {

const char* const kBackendUsage =
    "usage: runz-p9-backend --domid N [--backend-domid B] [--user UID:GID] [--max-fids N] [--no-seccomp] [--no-confine] "
    "--export DEVID:TAG --path HOSTPATH [--ro] [--file NAME] [--export ...]\n"
    "       runz-p9-backend --probe-confinement [--user UID:GID] [--export DEVID:TAG --path HOSTPATH [--ro] [--file NAME] ...]";

namespace {
constexpr size_t kMaxTagBytes = 31;
constexpr uint32_t kMaxDomid = 0x7FEF;  // DOMID_FIRST_RESERVED - 1

[[noreturn]] void bad(const std::string& what) { throw Error(what + "\n" + kBackendUsage, EINVAL); }

uint32_t parse_number(std::string_view s, const char* what) {
  const auto v = parse_xs_u32(s);
  if (!v) bad(std::string(what) + " " + quoted(s) + " is not a number");
  return *v;
}

// --user UID:GID, numeric, neither of them 0: the confined backend never runs as root.
std::pair<uint32_t, uint32_t> parse_user(std::string_view value) {
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) bad("--user " + quoted(value) + ": expected UID:GID");
  const uint32_t uid = parse_number(value.substr(0, colon), "uid");
  const uint32_t gid = parse_number(value.substr(colon + 1), "gid");
  if (uid == 0 || gid == 0 || uid == UINT32_MAX || gid == UINT32_MAX)
    bad("--user " + quoted(value) + ": the backend runs as an unprivileged user: not 0 and not -1");
  return {uid, gid};
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagBytes) return false;
  for (char c : tag) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

ExportSpec parse_export_id(std::string_view value) {
  ExportSpec spec;
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) bad("--export " + quoted(value) + ": expected DEVID:TAG");
  spec.devid = parse_number(value.substr(0, colon), "devid");
  spec.tag = std::string(value.substr(colon + 1));
  if (!valid_tag(spec.tag)) bad("tag " + quoted(spec.tag) + ": 1-31 characters of [A-Za-z0-9._-]");
  return spec;
}

BackendConfig parse_backend_args(const std::vector<std::string>& args) {
  BackendConfig cfg;
  bool have_domid = false;
  std::optional<std::pair<uint32_t, uint32_t>> user;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) bad(a + " needs a value");
      return args[++i];
    };
    if (a == "--domid") {
      cfg.domid = parse_number(value(), "domid");
      have_domid = true;
    } else if (a == "--user") {
      user = parse_user(value());
    } else if (a == "--max-fids") {
      cfg.max_fids = parse_number(value(), "max fids");
      if (cfg.max_fids == 0 || cfg.max_fids > kMaxFidsLimit)
        bad("--max-fids " + std::to_string(cfg.max_fids) + ": must be in [1, " + std::to_string(kMaxFidsLimit) + "]");
    } else if (a == "--backend-domid") {
      cfg.backend_domid = parse_number(value(), "backend domid");
    } else if (a == "--export") {
      cfg.exports.push_back(parse_export_id(value()));
    } else if (a == "--path" || a == "--ro" || a == "--file") {
      if (cfg.exports.empty()) bad(a + " must follow an --export");
      ExportSpec& e = cfg.exports.back();
      if (a == "--ro") {
        e.read_only = true;
      } else if (a == "--path") {
        if (!e.host_path.empty()) bad("--export " + quoted(e.tag) + " has two --path");
        e.host_path = value();
        if (e.host_path.empty() || e.host_path[0] != '/') bad("host path " + quoted(e.host_path) + " must be absolute");
      } else {
        if (e.file_name) bad("--export " + quoted(e.tag) + " has two --file");
        e.file_name = value();
        if (e.file_name->empty() || *e.file_name == "." || *e.file_name == ".." ||
            e.file_name->find('/') != std::string::npos)
          bad("file name " + quoted(*e.file_name) + " must be one path component");
      }
    } else if (a == "--no-seccomp") {
      cfg.seccomp = false;
    } else if (a == "--no-confine") {
      cfg.confine = false;
    } else if (a == "--probe-confinement") {
      cfg.probe_confinement = true;
    } else {
      bad("unknown argument " + quoted(a));
    }
  }
  if (cfg.probe_confinement) {
    if (!cfg.seccomp || !cfg.confine) {
      bad("--probe-confinement probes the whole confinement: not with --no-seccomp or --no-confine");
    }
  } else {
    if (!have_domid) bad("--domid is required");
    if (cfg.domid == 0 || cfg.domid > kMaxDomid) bad("domid " + std::to_string(cfg.domid) + " is not a guest domain");
    if (cfg.exports.empty()) bad("at least one --export is required");
  }
  if (user) {
    std::tie(cfg.uid, cfg.gid) = *user;
  } else if (cfg.confine) {
    bad("--user is required: a confined backend does not run as root");
  }
  std::set<uint32_t> devids;
  std::set<std::string> tags;
  for (const auto& e : cfg.exports) {
    if (e.host_path.empty()) bad("--export " + quoted(e.tag) + " has no --path");
    if (!devids.insert(e.devid).second) bad("devid " + std::to_string(e.devid) + " exported twice");
    if (!tags.insert(e.tag).second) bad("tag " + quoted(e.tag) + " exported twice");
  }
  return cfg;
}

}  // namespace runz::p9
