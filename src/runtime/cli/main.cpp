// runz: parse argv, run one command, report errors as runc does (stderr + the --log file's format).
#include <signal.h>

#include <iostream>

#include "common/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/zone_factory_default.hpp"

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv, argv + argc);
  runz::runtime::cli::GlobalOptions global;
  try {
    global = runz::runtime::cli::parse_global_options(args);
    const auto invocation = runz::runtime::cli::parse_argv(args);
    if (global.debug) {
      std::string line = "runz";
      for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
      runz::runtime::Logger(global.log, global.log_format, true).debug(line);
    }
    const auto factory = runz::runtime::make_default_zone_factory();
    const int status = runz::runtime::cli::execute(invocation, *factory, std::cout);
    std::cout.flush();
    return status;
  } catch (const std::exception& e) {
    std::cout.flush();
    if (global.log) runz::runtime::Logger(global.log, global.log_format, global.debug).error(e);
    std::cerr << e.what() << std::endl;
    return 1;
  }
}
