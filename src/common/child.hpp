// Ending a child process we started and must not leave behind (a helper, a logger, an exec holder).
#pragma once

#include <sys/types.h>

#include <chrono>

namespace runz {

// SIGTERM to our child `pid`, up to `grace` for it to exit, then SIGKILL; reaps it either way. False if it
// needed the SIGKILL.
bool terminate_child(pid_t pid, std::chrono::milliseconds grace) noexcept;

}  // namespace runz
