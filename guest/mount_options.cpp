#include "guest/mount_options.hpp"

#include <array>
#include <sys/mount.h>

namespace runz::guest {

namespace {

struct FlagOption {
  std::string_view name;
  bool clear;  // true: the option turns the flag off
  unsigned long flag;
};

// Both the plain form and the recursive "r" form (runtime-spec 1.1 "rro", "rnosuid"...).
constexpr std::array<FlagOption, 28> kFlagOptions = {{
    {"ro", false, MS_RDONLY},           {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},       {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},         {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},       {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},     {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},       {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},     {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},   {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},   {"nolazytime", true, MS_LAZYTIME},
    {"silent", false, MS_SILENT},       {"loud", true, MS_SILENT},
    {"iversion", false, MS_I_VERSION},  {"noiversion", true, MS_I_VERSION},
}};

struct PropagationOption {
  std::string_view name;
  unsigned long flags;
};

constexpr std::array<PropagationOption, 8> kPropagation = {{
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
}};

void apply_flag(MountOptions& out, const FlagOption& option) {
  if (option.clear) {
    out.flags &= ~option.flag;
    out.clear_flags |= option.flag;
  } else {
    out.flags |= option.flag;
    out.clear_flags &= ~option.flag;
  }
}

}  // namespace

bool MountOptions::readonly() const noexcept { return (flags & MS_RDONLY) != 0; }

MountOptions parse_mount_options(const std::vector<std::string>& options) {
  MountOptions out;
  for (const auto& option : options) {
    const std::string_view name = option;
    if (name == "bind" || name == "rbind") {
      out.bind = true;
      out.recursive = out.recursive || name == "rbind";
      continue;
    }
    if (name == "defaults" || name == "tmpcopyup" || name.empty()) continue;
    bool matched = false;
    for (const auto& p : kPropagation) {
      if (p.name == name) {
        out.propagation = p.flags;
        matched = true;
      }
    }
    // "rro" → "ro" etc.; "rw"/"relatime"/"rdev"... start with 'r' too, so exact names are tried first.
    for (int pass = 0; pass < 2 && !matched; ++pass) {
      const std::string_view candidate = pass == 0 ? name : (name.size() > 1 && name[0] == 'r' ? name.substr(1) : "");
      if (candidate.empty()) continue;
      for (const auto& f : kFlagOptions) {
        if (f.name == candidate) {
          apply_flag(out, f);
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    if (!out.data.empty()) out.data += ',';
    out.data += option;
  }
  return out;
}

unsigned long bind_remount_flags(const MountOptions& options) noexcept {
  constexpr unsigned long kPerMountPoint =
      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
  return options.flags & kPerMountPoint;
}

}  // namespace runz::guest
