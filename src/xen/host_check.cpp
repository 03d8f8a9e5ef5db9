#include "xen/host_check.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace runz::xen {
namespace {

constexpr const char* kPrefix = "runz needs a Xen dom0: ";

std::optional<std::string> read_if_exists(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("open " + path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void check_xen_dom0(const std::filesystem::path& capabilities, const std::filesystem::path& privcmd) {
  std::optional<std::string> caps;
  try {
    caps = read_if_exists(capabilities);
  } catch (const Error& e) {
    throw Error(kPrefix + std::string("cannot read ") + capabilities.string() + " (" + e.what() + ")", e.code());
  }
  if (!caps) {
    throw Error(kPrefix + capabilities.string() +
                    " not found (is this host running under Xen with xenfs mounted?)",
                ENOENT);
  }
  if (caps->find("control_d") == std::string::npos) {
    throw Error(kPrefix + capabilities.string() +
                " does not list `control_d` (this host is a Xen guest, not the control domain)");
  }
  struct stat st {};
  if (::stat(privcmd.c_str(), &st) != 0) {
    const int err = errno;
    throw Error(kPrefix + privcmd.string() + ": " + std::strerror(err) + " (is the xen-privcmd driver loaded?)",
                err);
  }
}

}  // namespace runz::xen
