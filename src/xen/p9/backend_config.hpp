// Configuration of one runz-p9-backend process (one guest domain, any number of exports), from argv:
//   runz-p9-backend --domid N [--backend-domid B] [--user UID:GID] [--max-fids N] [--no-seccomp] [--no-confine]
//                   --export DEVID:TAG --path HOSTPATH [--ro] [--file NAME] [--export ...]
//   runz-p9-backend --probe-confinement [--user UID:GID] [--export ...]
// --user: who the backend runs as once confined, never root; required unless --no-confine (runz gives each
// zone's backend a user of its own: zone/zone.hpp, backend_user). --max-fids: fids per device (ServerLimits).
// --no-seccomp and --no-confine are for debugging only (runz never passes them). --probe-confinement sets up
// the exports (if any), confines itself and loads the filter as a serving backend does, then tries what it
// must not be able to do and reports each attempt on stdout (confine_probe.hpp); no Xen device is opened.
// --path, --ro and --file belong to the --export before them. The host path is one argument, taken as it
// is: a path that ends in ":ro" or ":file=x" is just a path (nothing is peeled off a string). With --file,
// HOSTPATH is a regular file served as the only entry NAME of a synthetic directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xen/p9/server.hpp"

namespace runz::p9 {

struct ExportSpec {
  uint32_t devid = 0;
  std::string tag;
  std::string host_path;
  bool read_only = false;
  std::optional<std::string> file_name;  // single-file export
};

inline constexpr size_t kMaxFidsLimit = 1 << 20;

struct BackendConfig {
  uint32_t domid = 0;
  uint32_t uid = 0;  // --user; stays 0 (root) only with --no-confine
  uint32_t gid = 0;
  size_t max_fids = kDefaultMaxFids;  // ServerLimits::max_fids
  uint32_t backend_domid = 0;
  bool seccomp = true;
  bool confine = true;             // confine.hpp: empty root, private procfs, three capabilities
  bool probe_confinement = false;  // no serving: probe the confinement and exit
  std::vector<ExportSpec> exports;
};

// Parses one --export value, DEVID:TAG (the path and options come in their own arguments). Throws
// runz::Error (EINVAL) naming what is wrong.
ExportSpec parse_export_id(std::string_view value);
// Parses argv (without argv[0]). Throws runz::Error (EINVAL) with a usage hint.
BackendConfig parse_backend_args(const std::vector<std::string>& args);

extern const char* const kBackendUsage;

}  // namespace runz::p9
