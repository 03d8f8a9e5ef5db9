// runz-p9-backend: the Xen 9pfs backend for one zone. Usage: see backend_config.hpp.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "xen/p9/backend.hpp"

int main(int argc, char** argv) {
  runz::p9::BackendConfig cfg;
  try {
    cfg = runz::p9::parse_backend_args(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "runz-p9-backend: " << e.what() << "\n";
    return 2;
  }
  const int rc = runz::p9::run_backend(cfg);
  std::cerr.flush();
  // Under seccomp the sanitizers' exit-time work (leak check threads) would be refused: leave directly.
  std::_Exit(rc);
}
