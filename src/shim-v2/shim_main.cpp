// containerd-shim-runz-v2: entry point; the contract is described in bootstrap.hpp.
#include <iostream>
#include <string>
#include <vector>

#include "shim-v2/bootstrap.hpp"

#ifndef RUNZ_SHIM_VERSION
#define RUNZ_SHIM_VERSION "dev"
#endif

int main(int argc, char** argv) {
  using namespace runz::shim;
  try {
    ShimFlags flags = parse_flags(std::vector<std::string>(argv + 1, argv + argc));
    if (flags.version) {
      std::cout << "containerd-shim-runz-v2:\n  Version: " << RUNZ_SHIM_VERSION << "\n";
      return 0;
    }
    if (flags.ns.empty()) throw runz::Error("shim namespace cannot be empty");
    if (flags.action == "start") return run_start(flags);
    if (flags.action == "delete") return run_delete(flags);
    if (!flags.action.empty()) throw runz::Error("unknown action " + runz::quoted(flags.action));
    return run_daemon(flags);
  } catch (const std::exception& e) {
    std::cerr << "containerd-shim-runz-v2: " << e.what() << "\n";
    return 1;
  }
}
