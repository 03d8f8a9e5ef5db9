#include "xen/devices/console.hpp"

#include <string>

namespace runz::xen::devices {
namespace {
constexpr DomId kDom0 = 0;
constexpr std::string_view kConsoleLimitBytes = "1048576";  // as libxl: xenconsoled's log limit

std::string console_path(DomId domid) { return "/local/domain/" + std::to_string(domid) + "/console"; }
}  // namespace

std::vector<XsNode> console_nodes(const ConsoleDevice& c) {
  const std::string d = console_path(c.domid);
  return {
      {d, "", kDom0, c.domid},
      {d + "/type", std::string(kConsoleTypeRunz), kDom0, c.domid},
      {d + "/port", std::to_string(c.port), kDom0, c.domid},
      {d + "/ring-ref", std::to_string(c.ring_mfn), kDom0, c.domid},
      {d + "/limit", std::string(kConsoleLimitBytes), kDom0, c.domid},
      {d + "/backend-id", std::to_string(kDom0), kDom0, c.domid},
  };
}

void write_console_nodes(const XsOps& ops, const ConsoleDevice& c) { write_nodes(ops, console_nodes(c)); }

void remove_console_nodes(XsHandle& xs, DomId domid) { xs.rm(console_path(domid)); }

}  // namespace runz::xen::devices
