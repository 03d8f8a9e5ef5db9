// Name tables of the OCI runtime-spec and the Linux kernel: capabilities, rlimits, signals, namespaces,
// seccomp actions/operators/architectures/flags. The validator, features_json() and the guest agent (which
// needs the kernel numbers) share them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace runz::spec {

// "CAP_CHOWN" .. "CAP_CHECKPOINT_RESTORE", indexed by the kernel's capability number (0..40).
std::span<const std::string_view> capability_names();
std::optional<int> capability_number(std::string_view name);  // "CAP_KILL" → 5

// "RLIMIT_CPU" .. "RLIMIT_RTTIME" → the kernel's resource number for setrlimit(2).
std::span<const std::string_view> rlimit_names();
std::optional<int> rlimit_resource(std::string_view name);

// Namespace types of runtime-spec 1.2: pid network mount ipc uts user cgroup time.
std::span<const std::string_view> namespace_types();
bool is_namespace_type(std::string_view type);

// Hook names as config.json spells them: prestart createRuntime ... poststop.
std::span<const std::string_view> hook_names();

// Mount options runz recognizes (the features document's mountOptions).
std::span<const std::string_view> mount_option_names();

// Seccomp names (libseccomp spelling).
std::span<const std::string_view> seccomp_actions();     // SCMP_ACT_*
std::span<const std::string_view> seccomp_operators();   // SCMP_CMP_*
std::span<const std::string_view> seccomp_archs();       // SCMP_ARCH_*
std::span<const std::string_view> seccomp_flags();       // SECCOMP_FILTER_FLAG_*
bool contains(std::span<const std::string_view> table, std::string_view name);

// A signal as `runz kill` takes it: a number ("9"), or a name in any case with or without the SIG prefix
// ("KILL", "SIGKILL", "kill", "sigkill"), as runc does. Numbers must be 1..64. Throws runz::Error
// ("unknown signal `FOO`") otherwise.
int parse_signal(std::string_view text);
// "SIGKILL" for 9; "SIG<n>" for numbers without a name (real-time signals).
std::string signal_name(int signal);

}  // namespace runz::spec
