// Kernel modules the zone needs before the rootfs can be mounted (9p and its Xen transport). The image
// build writes /lib/modules/modules.list: one module per line, in load order, as a path relative to
// /lib/modules/ (or absolute), optionally followed by whitespace and module parameters. Blank lines and
// lines starting with '#' are ignored. Each is loaded with finit_module(2); EEXIST (built in or already
// loaded) is not an error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

inline constexpr const char* kModulesList = "/lib/modules/modules.list";

struct ModuleEntry {
  std::filesystem::path path;  // absolute
  std::string params;

  bool operator==(const ModuleEntry&) const = default;
};

// Parses the list text; relative paths are taken relative to `base` (the list's directory).
std::vector<ModuleEntry> parse_modules_list(std::string_view text, const std::filesystem::path& base);

// Loads every module of `list_path` in order; a missing list means "nothing to load". Throws runz::Error
// naming the module on the first failure.
void load_modules(const std::filesystem::path& list_path);

}  // namespace runz::guest
