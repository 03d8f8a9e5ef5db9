// runz-p9-backend: the Xen 9pfs backend for one zone. Usage: see backend_config.hpp.
#include <cstdlib>
#include <string>
#include <vector>

#include "common/capped_log.hpp"
#include "xen/p9/backend.hpp"

namespace {
// stderr is <state dir>/p9-backend.log on dom0's tmpfs (xen/zone_exports.cpp), and the zone drives its
// lines: one per frontend state change, one per closed device. A healthy backend writes a few lines per
// device; 256 KiB is room for thousands, so only a zone flapping its xenbus state reaches the cap.
constexpr size_t kBackendLogCapBytes = 256 * 1024;
}  // namespace

int main(int argc, char** argv) {
  try {
    runz::cap_stderr(kBackendLogCapBytes, "p9-backend.log");
  } catch (const std::exception& e) {
    runz::log_to_stderr(std::string("runz-p9-backend: ") + e.what() + "\n");
    return 2;
  }
  runz::p9::BackendConfig cfg;
  try {
    cfg = runz::p9::parse_backend_args(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    runz::log_to_stderr(std::string("runz-p9-backend: ") + e.what() + "\n");
    return 2;
  }
  const int rc = runz::p9::run_backend(cfg);
  // Under seccomp the sanitizers' exit-time work (leak check threads) would be refused: leave directly.
  std::_Exit(rc);
}
