// The container process's environment and the execvp-like lookup of args[0] in the container's PATH.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runz::guest {

inline constexpr std::string_view kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The value of `name` in a "KEY=VALUE" list (the last one wins, as getenv after putenv would); nullopt if unset.
std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view name);

// Resolves `program`: with a '/' it is used as it is; otherwise each PATH entry (kDefaultPath when PATH is
// unset; an empty entry means the current directory) is tried in order and the first `is_executable`
// candidate wins. nullopt when none is.
std::optional<std::string> find_executable(std::string_view program, const std::optional<std::string>& path,
                                           const std::function<bool(const std::string&)>& is_executable);

// A regular file with an execute bit, checked with access(X_OK) (the real check is execve's).
bool is_executable_file(const std::string& path);

// NULL-terminated char* array over `strings` (valid while `strings` lives), for execve.
std::vector<char*> c_string_array(std::vector<std::string>& strings);

}  // namespace runz::guest
