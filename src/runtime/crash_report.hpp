// A monitor that dies of a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) before it reported
// "ready" would leave `runz create` with only "monitor exited before the zone was ready". While armed, the
// handler writes the ready report runz create parses — {"ok":false,"error":"monitor died of signal …"} —
// to the ready pipe (and a line to stderr), then lets the signal take its default action (core, exit).
// Only async-signal-safe calls in the handler: the messages are built when arming.
#pragma once

namespace runz::runtime {

// Installs the handlers and arms them with the ready pipe's fd.
void arm_crash_report(int ready_fd) noexcept;
// Call before the ready fd is closed (its number may be reused): the handler then writes to stderr only.
void disarm_crash_report() noexcept;

}  // namespace runz::runtime
