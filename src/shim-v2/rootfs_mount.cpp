#include "shim-v2/rootfs_mount.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>

#include "common/error.hpp"

namespace runz::shim {
namespace {

struct FlagOption {
  bool clear;
  unsigned long flag;
};

const std::map<std::string, FlagOption, std::less<>>& flag_options() {
  static const std::map<std::string, FlagOption, std::less<>> table = {
      {"async", {true, MS_SYNCHRONOUS}},   {"atime", {true, MS_NOATIME}},      {"bind", {false, MS_BIND}},
      {"defaults", {false, 0}},            {"dev", {true, MS_NODEV}},          {"diratime", {true, MS_NODIRATIME}},
      {"dirsync", {false, MS_DIRSYNC}},    {"exec", {true, MS_NOEXEC}},        {"mand", {false, MS_MANDLOCK}},
      {"noatime", {false, MS_NOATIME}},    {"nodev", {false, MS_NODEV}},       {"nodiratime", {false, MS_NODIRATIME}},
      {"noexec", {false, MS_NOEXEC}},      {"nomand", {true, MS_MANDLOCK}},    {"norelatime", {true, MS_RELATIME}},
      {"nostrictatime", {true, MS_STRICTATIME}}, {"nosuid", {false, MS_NOSUID}}, {"rbind", {false, MS_BIND | MS_REC}},
      {"relatime", {false, MS_RELATIME}},  {"remount", {false, MS_REMOUNT}},   {"ro", {false, MS_RDONLY}},
      {"rw", {true, MS_RDONLY}},           {"strictatime", {false, MS_STRICTATIME}}, {"suid", {true, MS_NOSUID}},
      {"sync", {false, MS_SYNCHRONOUS}},
  };
  return table;
}

const std::map<std::string, unsigned long, std::less<>>& propagation_options() {
  static const std::map<std::string, unsigned long, std::less<>> table = {
      {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
      {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  return table;
}

}  // namespace

ParsedOptions parse_mount_options(const std::vector<std::string>& options) {
  ParsedOptions parsed;
  for (const auto& option : options) {
    if (auto it = flag_options().find(option); it != flag_options().end()) {
      if (it->second.clear) {
        parsed.flags &= ~it->second.flag;
      } else {
        parsed.flags |= it->second.flag;
      }
    } else if (auto p = propagation_options().find(option); p != propagation_options().end()) {
      parsed.propagation |= p->second;
    } else {
      if (!parsed.data.empty()) parsed.data += ',';
      parsed.data += option;
    }
  }
  return parsed;
}

void mount_rootfs(const std::vector<MountSpec>& mounts, const std::filesystem::path& target) {
  int done = 0;
  try {
    for (const auto& m : mounts) {
      ParsedOptions o = parse_mount_options(m.options);
      if (m.type == "bind") o.flags |= MS_BIND;
      const char* data = o.data.empty() ? nullptr : o.data.c_str();
      unsigned long flags = o.flags;
      if ((flags & MS_BIND) != 0) flags &= ~static_cast<unsigned long>(MS_RDONLY);  // applied by the remount below
      if (::mount(m.source.c_str(), target.c_str(), m.type.c_str(), flags, data) != 0) {
        throw_errno("mount " + m.type + " " + runz::quoted(m.source) + " on " + runz::quoted(target.string()));
      }
      ++done;
      // A read-only bind mount needs a remount: MS_RDONLY is ignored on the initial MS_BIND.
      if ((o.flags & MS_BIND) && (o.flags & MS_RDONLY) &&
          ::mount(nullptr, target.c_str(), nullptr, o.flags | MS_REMOUNT, nullptr) != 0) {
        throw_errno("remount read-only " + runz::quoted(target.string()));
      }
      if (o.propagation != 0 && ::mount(nullptr, target.c_str(), nullptr, o.propagation, nullptr) != 0) {
        throw_errno("set propagation of " + runz::quoted(target.string()));
      }
    }
  } catch (...) {
    for (; done > 0; --done) ::umount2(target.c_str(), MNT_DETACH);
    throw;
  }
}

void unmount_rootfs(const std::filesystem::path& target) noexcept {
  for (int i = 0; i < 64; ++i) {  // bounded: a stack of mounts on one target, never a loop forever
    if (::umount2(target.c_str(), MNT_DETACH) != 0) {
      if (errno != EINVAL && errno != ENOENT) {
        std::cerr << "unmount " << target << ": " << std::strerror(errno) << "\n";
      }
      return;
    }
  }
}

}  // namespace runz::shim
