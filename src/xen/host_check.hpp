// Is this host a Xen dom0 that can build zones? ZoneFactory::check_host, which `create`/`run` call before
// anything is written.
#pragma once

#include <filesystem>

namespace runz::xen {

inline constexpr const char* kXenCapabilities = "/proc/xen/capabilities";
inline constexpr const char* kXenPrivcmd = "/dev/xen/privcmd";

// Throws runz::Error with one line naming Xen and what is missing, e.g.
//   runz needs a Xen dom0: /proc/xen/capabilities not found (is this host running under Xen with xenfs
//   mounted?)
// The paths are parameters so tests can point them at files of their own.
void check_xen_dom0(const std::filesystem::path& capabilities = kXenCapabilities,
                    const std::filesystem::path& privcmd = kXenPrivcmd);

}  // namespace runz::xen
