// Writing a kernel-parsed file (/proc/sys, /proc/self/oom_score_adj, cgroup files): the kernel takes the value
// from one write(2), so it is written once, whole, and a short write is an error.
#pragma once

#include <filesystem>
#include <string>

namespace runz::guest {

// Writes `value` to `path` (no symlink followed) in one write(2). Throws runz::Error naming the path.
void write_kernel_file(const std::filesystem::path& path, const std::string& value);

}  // namespace runz::guest
