#include "spec/names.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <csignal>

namespace runz::spec {

namespace {

// Index = kernel capability number (include/uapi/linux/capability.h).
constexpr std::array<std::string_view, 41> kCapabilities = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",         "CAP_KILL",          "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",      "CAP_NET_RAW",       "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",     "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",   "CAP_SYS_TIME",      "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",          "CAP_AUDIT_WRITE",   "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",     "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",    "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

// Index = RLIMIT_* number (include/uapi/asm-generic/resource.h; same on x86 and arm64).
constexpr std::array<std::string_view, 16> kRlimits = {
    "RLIMIT_CPU",    "RLIMIT_FSIZE",  "RLIMIT_DATA",       "RLIMIT_STACK",    "RLIMIT_CORE",   "RLIMIT_RSS",
    "RLIMIT_NPROC",  "RLIMIT_NOFILE", "RLIMIT_MEMLOCK",    "RLIMIT_AS",       "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",     "RLIMIT_RTTIME",
};

constexpr std::array<std::string_view, 8> kNamespaces = {"pid", "network", "mount", "ipc",
                                                         "uts", "user",    "cgroup", "time"};

constexpr std::array<std::string_view, 6> kHooks = {"prestart",       "createRuntime", "createContainer",
                                                    "startContainer", "poststart",     "poststop"};

constexpr std::array<std::string_view, 62> kMountOptions = {
    "acl",        "async",       "atime",       "bind",         "defaults",    "dev",         "diratime",
    "dirsync",    "exec",        "iversion",    "lazytime",     "loud",        "mand",        "noacl",
    "noatime",    "nodev",       "nodiratime",  "noexec",       "noiversion",  "nolazytime",  "nomand",
    "norelatime", "nostrictatime", "nosuid",    "nosymfollow",  "private",     "ratime",      "rbind",
    "rdev",       "rdiratime",   "relatime",    "remount",      "rexec",       "rnoatime",    "rnodev",
    "rnodiratime", "rnoexec",    "rnorelatime", "rnostrictatime", "rnosuid",   "rnosymfollow", "ro",
    "rprivate",   "rrelatime",   "rro",         "rrw",          "rshared",     "rslave",      "rstrictatime",
    "rsuid",      "rsymfollow",  "runbindable", "rw",           "shared",      "silent",      "slave",
    "strictatime", "suid",       "symfollow",   "sync",         "tmpcopyup",   "unbindable",
};

constexpr std::array<std::string_view, 9> kSeccompActions = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_LOG",   "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

constexpr std::array<std::string_view, 7> kSeccompOperators = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};

constexpr std::array<std::string_view, 23> kSeccompArchs = {
    "SCMP_ARCH_AARCH64",   "SCMP_ARCH_ARM",      "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",       "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",    "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
    "SCMP_ARCH_X32",       "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",
};

constexpr std::array<std::string_view, 4> kSeccompFlags = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

struct SignalName {
  std::string_view name;  // without "SIG"
  int number;
};

// From <signal.h>, so numbers follow the build architecture. Aliases come after the preferred name.
const std::array<SignalName, 34> kSignals = {{
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},     {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},   {"FPE", SIGFPE},     {"KILL", SIGKILL},
    {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
    {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},       {"POLL", SIGPOLL},     {"PWR", SIGPWR},   {"SYS", SIGSYS},
}};

constexpr int kMaxSignal = 64;  // the kernel's _NSIG on Linux

template <size_t N>
std::optional<int> index_of(const std::array<std::string_view, N>& table, std::string_view name) {
  auto it = std::find(table.begin(), table.end(), name);
  if (it == table.end()) return std::nullopt;
  return static_cast<int>(it - table.begin());
}

}  // namespace

std::span<const std::string_view> capability_names() { return kCapabilities; }
std::optional<int> capability_number(std::string_view name) { return index_of(kCapabilities, name); }
std::span<const std::string_view> rlimit_names() { return kRlimits; }
std::optional<int> rlimit_resource(std::string_view name) { return index_of(kRlimits, name); }
std::span<const std::string_view> namespace_types() { return kNamespaces; }
bool is_namespace_type(std::string_view type) { return contains(kNamespaces, type); }
std::span<const std::string_view> hook_names() { return kHooks; }
std::span<const std::string_view> mount_option_names() { return kMountOptions; }
std::span<const std::string_view> seccomp_actions() { return kSeccompActions; }
std::span<const std::string_view> seccomp_operators() { return kSeccompOperators; }
std::span<const std::string_view> seccomp_archs() { return kSeccompArchs; }
std::span<const std::string_view> seccomp_flags() { return kSeccompFlags; }

bool contains(std::span<const std::string_view> table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

int parse_signal(std::string_view text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    int number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size() || number < 1 || number > kMaxSignal) {
      throw Error("invalid signal " + runz::quoted(text) + ": numbers must be 1 to " + std::to_string(kMaxSignal));
    }
    return number;
  }
  std::string upper;
  for (char c : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const auto& s : kSignals) {
    if (s.name == name) return s.number;
  }
  throw Error("unknown signal " + runz::quoted(text) + " (use a number 1-64 or a name like KILL, SIGTERM, hup)");
}

std::string signal_name(int signal) {
  for (const auto& s : kSignals) {
    if (s.number == signal) return "SIG" + std::string(s.name);
  }
  return "SIG" + std::to_string(signal);
}

}  // namespace runz::spec
