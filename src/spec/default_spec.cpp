#include "spec/default_spec.hpp"

#include "spec/parse.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>

namespace runz::spec {

namespace {

std::vector<Mount> default_mounts() {
  return {
      {"/proc", "proc", "proc", {}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
}

Linux default_linux() {
  Linux l;
  l.masked_paths = {"/proc/acpi",        "/proc/asound",     "/proc/kcore",       "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                    "/sys/firmware",     "/proc/scsi",       "/sys/devices/virtual/tpm"};
  l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  Resources r;
  r.devices.push_back(DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"});
  l.resources = r;
  // The zone kernel always runs cgroup v2, so the cgroup namespace is always there (runc adds it on v2).
  for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) l.namespaces.push_back({type, ""});
  return l;
}

void make_rootless(Config& c) {
  auto& namespaces = c.linux_->namespaces;
  std::erase_if(namespaces, [](const Namespace& ns) { return ns.type == "network" || ns.type == "user"; });
  namespaces.push_back({"user", ""});
  c.linux_->uid_mappings = {{0, static_cast<uint32_t>(geteuid()), 1}};
  c.linux_->gid_mappings = {{0, static_cast<uint32_t>(getegid()), 1}};
  for (auto& m : c.mounts) {
    if (m.destination == "/sys") {
      m = Mount{"/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}};
      continue;
    }
    std::erase_if(m.options, [](const std::string& o) { return o.starts_with("uid=") || o.starts_with("gid="); });
  }
  c.linux_->resources.reset();
}

}  // namespace

Config default_config(bool rootless) {
  Config c;
  c.oci_version = kOciVersion;
  Process p;
  p.terminal = true;
  p.args = {"sh"};
  p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
  p.cwd = "/";
  p.no_new_privileges = true;
  std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  p.capabilities = Capabilities{caps, caps, {}, caps, {}};
  p.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
  c.process = std::move(p);
  c.root = {"rootfs", true};
  c.hostname = "runz";
  c.mounts = default_mounts();
  c.linux_ = default_linux();
  if (rootless) make_rootless(c);
  return c;
}

nlohmann::json default_spec(bool rootless) { return to_json(default_config(rootless)); }

}  // namespace runz::spec
