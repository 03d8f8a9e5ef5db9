// `--console-socket`: runz makes the container's terminal on the host (a pty), gives the slave to the zone
// as its stdio and sends the master over the unix socket with SCM_RIGHTS, as runc does.
#pragma once

#include <filesystem>

#include "runtime/zone.hpp"

namespace runz::runtime {

// Opens a pty, sends its master to `socket`, and returns the slave as the zone's stdin/stdout/stderr.
ZoneStdio console_stdio(const std::filesystem::path& socket);

// Our own stdin/stdout/stderr, duplicated, for a zone without a terminal.
ZoneStdio inherited_stdio();

}  // namespace runz::runtime
