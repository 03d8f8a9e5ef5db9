#include "guest/modules.hpp"

#include "common/error.hpp"
#include "common/fd.hpp"

#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

namespace runz::guest {

std::vector<ModuleEntry> parse_modules_list(std::string_view text, const std::filesystem::path& base) {
  std::vector<ModuleEntry> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t space = line.find_first_of(" \t");
    ModuleEntry entry;
    const std::filesystem::path path(std::string(line.substr(0, space)));
    entry.path = path.is_absolute() ? path : base / path;
    if (space != std::string_view::npos) {
      std::string_view params = line.substr(space);
      while (!params.empty() && (params.front() == ' ' || params.front() == '\t')) params.remove_prefix(1);
      entry.params = std::string(params);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

void load_modules(const std::filesystem::path& list_path) {
  std::ifstream in(list_path);
  if (!in) {
    if (errno == ENOENT) return;
    throw_errno("open " + runz::quoted(list_path.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& module : parse_modules_list(text.str(), list_path.parent_path())) {
    UniqueFd fd(::open(module.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("load module: open " + runz::quoted(module.path.string()));
    const std::string ext = module.path.extension().string();
    const int flags = (ext == ".xz" || ext == ".zst" || ext == ".gz") ? MODULE_INIT_COMPRESSED_FILE : 0;
    if (::syscall(SYS_finit_module, fd.get(), module.params.c_str(), flags) != 0 && errno != EEXIST)
      throw_errno("load module " + runz::quoted(module.path.string()));
  }
}

}  // namespace runz::guest
