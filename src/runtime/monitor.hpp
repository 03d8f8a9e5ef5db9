// The host monitor: one process per container, forked by `create`, living until the container's process
// exited. It owns the Zone:
//   1. records itself (monitor.json), builds the zone with ZoneFactory::create (each resource recorded in
//      zone.json through on_record), listens on monitor.sock, then reports "ready" over the ready pipe
//      ({"ok":true,"pid":..,"startTime":..} or {"ok":false,"error":".."}) and closes it;
//   2. serves monitor.sock (monitor_client.hpp) from one thread, while another waits in Zone::wait_exit();
//   3. on exit: records exit.json, stops listening, destroys the zone, answers "wait"
//      requests and exits with the container's exit status (so a subreaper such as containerd's shim sees
//      the container's status as the monitor's).
// It never takes the container lock: CLI commands hold it while they talk to the monitor.
#pragma once

#include <string>

#include "common/fd.hpp"
#include "runtime/log.hpp"
#include "runtime/state_store.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

struct MonitorContext {
  ZoneFactory& factory;
  const StateStore& store;
  Logger log;
  ZoneConfig config;
};

// Runs the monitor in this (freshly forked) process; never returns.
[[noreturn]] void run_monitor(const MonitorContext& context, ZoneStdio stdio, UniqueFd ready) noexcept;

}  // namespace runz::runtime
