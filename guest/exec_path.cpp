#include "guest/exec_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace runz::guest {

std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=')
      value = entry.substr(name.size() + 1);
  }
  return value;
}

std::optional<std::string> find_executable(std::string_view program, const std::optional<std::string>& path,
                                           const std::function<bool(const std::string&)>& is_executable) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string_view::npos) return std::string(program);
  const std::string_view dirs = path ? std::string_view(*path) : kDefaultPath;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string_view::npos) end = dirs.size();
    std::string dir(dirs.substr(start, end - start));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + (dir.back() == '/' ? "" : "/") + std::string(program);
    if (is_executable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return ::access(path.c_str(), X_OK) == 0;
}

std::vector<char*> c_string_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace runz::guest
