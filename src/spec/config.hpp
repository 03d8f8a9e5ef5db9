// OCI runtime-spec 1.2 config.json as typed, immutable C++ values.
// Parsing and validation live in parse_*.cpp (API: spec/parse.hpp); this header is the contract every other
// part of runz (runtime, xen, guest agent) reads. Optional fields are std::optional; absent arrays are empty.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runz::spec {

inline constexpr const char* kOciVersion = "1.2.0";

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
  std::optional<std::string> username;

  bool operator==(const User&) const = default;
};

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;

  bool operator==(const ConsoleSize&) const = default;
};

// Capability names as in the spec ("CAP_CHOWN"...), validated against the kernel's list.
struct Capabilities {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;

  bool operator==(const Capabilities&) const = default;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"...
  uint64_t hard = 0;
  uint64_t soft = 0;

  bool operator==(const Rlimit&) const = default;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;  // non-empty after validation
  std::vector<std::string> env;   // "KEY=VALUE"
  std::string cwd = "/";          // absolute after validation
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;  // -1000..1000
  std::optional<std::string> apparmor_profile;
  std::optional<std::string> selinux_label;

  bool operator==(const Process&) const = default;
};

struct Root {
  std::string path;  // as written in config.json
  bool readonly = false;

  bool operator==(const Root&) const = default;
};

struct Mount {
  std::string destination;  // absolute
  std::string type;         // "" when absent ("bind" is implied by options)
  std::string source;
  std::vector<std::string> options;
  // Derived: a bind mount (type "bind" or option "bind"/"rbind") and read-only (the last of "ro"/"rro" and
  // "rw"/"rrw" wins; "rro" counts as read-only). Implemented in parse_mounts.cpp.
  bool is_bind() const;
  bool is_readonly() const;

  bool operator==(const Mount&) const = default;
};

struct Hook {
  std::string path;  // absolute
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds, > 0

  bool operator==(const Hook&) const = default;
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;

  bool operator==(const Hooks&) const = default;
};

struct Namespace {
  std::string type;  // pid network mount ipc uts user cgroup time
  std::string path;  // empty when absent

  bool operator==(const Namespace&) const = default;
};

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;

  bool operator==(const IdMapping&) const = default;
};

struct MemoryResources {
  std::optional<int64_t> limit, reservation, swap, kernel, kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;

  bool operator==(const MemoryResources&) const = default;
};

struct CpuResources {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::optional<std::string> cpus, mems;
  std::optional<int64_t> idle;

  bool operator==(const CpuResources&) const = default;
};

struct PidsResources {
  int64_t limit = 0;

  bool operator==(const PidsResources&) const = default;
};

struct HugepageLimit {
  std::string page_size;  // "2MB"
  uint64_t limit = 0;

  bool operator==(const HugepageLimit&) const = default;
};

struct DeviceCgroupRule {
  bool allow = false;
  std::string type;  // "a" "c" "b" or ""
  std::optional<int64_t> major, minor;
  std::string access;  // subset of "rwm"

  bool operator==(const DeviceCgroupRule&) const = default;
};

struct Resources {
  std::vector<DeviceCgroupRule> devices;
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<PidsResources> pids;
  std::vector<HugepageLimit> hugepage_limits;

  bool operator==(const Resources&) const = default;
};

struct Device {
  std::string type;  // c b u p
  std::string path;  // absolute
  int64_t major = 0, minor = 0;
  std::optional<uint32_t> file_mode, uid, gid;

  bool operator==(const Device&) const = default;
};

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;  // SCMP_CMP_EQ ...

  bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_*
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;

  bool operator==(const SeccompSyscall&) const = default;
};

struct Seccomp {
  std::string default_action;  // SCMP_ACT_*
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // SCMP_ARCH_*
  std::vector<std::string> flags;
  std::vector<SeccompSyscall> syscalls;
  std::string listener_path;      // "" when absent; needed by SCMP_ACT_NOTIFY
  std::string listener_metadata;  // "" when absent

  bool operator==(const Seccomp&) const = default;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::optional<Resources> resources;
  std::string cgroups_path;
  std::map<std::string, std::string> sysctl;
  std::optional<Seccomp> seccomp;
  std::vector<Device> devices;
  std::vector<std::string> masked_paths, readonly_paths;
  std::string rootfs_propagation;
  std::string mount_label;

  bool operator==(const Linux&) const = default;
};

struct Config {
  std::string oci_version;
  std::optional<Process> process;  // required for create/run; optional per spec for other uses
  Root root;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux_;  // "linux" (trailing _ : `linux` is a macro in GNU C++ modes)

  bool operator==(const Config&) const = default;
};

}  // namespace runz::spec
