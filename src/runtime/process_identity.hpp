// Host processes identified by pid + start time (field 22 of /proc/<pid>/stat, clock ticks since boot), so
// a pid the kernel recycled for someone else never reads as ours.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "runtime/zone.hpp"

namespace runz::runtime {

struct ProcStat {
  char state = '?';         // field 3: R S D Z X ...
  uint64_t start_time = 0;  // field 22
};

// Parses the text of /proc/<pid>/stat (the comm field may hold spaces and parentheses). nullopt if malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// This process (or `pid`) as a HostProcess; throws runz::Error if it cannot be read.
HostProcess identify(pid_t pid);

// True when `process` is alive: the pid exists with the recorded start time and is not a zombie.
bool is_alive(const HostProcess& process);

// Sends SIGKILL to `process` if it is still the recorded one, then waits up to `timeout` for it to be gone
// (it need not be our child: a reparented monitor is reaped by someone else). Returns true once gone.
bool kill_and_wait(const HostProcess& process, std::chrono::milliseconds timeout);

// Polls until `process` is gone or `timeout` passed. Returns true once gone.
bool wait_gone(const HostProcess& process, std::chrono::milliseconds timeout);

}  // namespace runz::runtime
