#include "guest/stall_report.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

TEST_CASE("describe_stalled_process reads state, wchan and stack from a proc directory") {
  const fs::path proc = fs::temp_directory_path() / ("runz-stall-" + std::to_string(::getpid()));
  fs::create_directories(proc / "42");
  std::ofstream(proc / "42" / "stat") << "42 (sh (x)) D 1 42 42 0 -1";
  std::ofstream(proc / "42" / "wchan") << "p9_client_rpc";
  std::ofstream(proc / "42" / "stack") << "[<0>] p9_client_rpc+0x1\n[<0>] v9fs_vfs_lookup+0x2\n";
  CHECK(runz::guest::describe_stalled_process(42, proc.string()) ==
        "state D wchan p9_client_rpc; stack: [<0>] p9_client_rpc+0x1|[<0>] v9fs_vfs_lookup+0x2|");
  CHECK(runz::guest::describe_stalled_process(43, proc.string()) == "no /proc information");
  fs::remove_all(proc);
}

TEST_CASE("describe_stalled_process on this process names its state") {
  CHECK(runz::guest::describe_stalled_process(::getpid()).rfind("state ", 0) == 0);
}
