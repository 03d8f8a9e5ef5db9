// PID 1 duties in the zone: the pseudo filesystems the agent and containers need, and power-off. PID 1 must
// never return or exit (the kernel panics), so every way out goes through power_off().
#pragma once

#include <string>

namespace runz::guest {

// devtmpfs on /dev (first: the console device lives there).
void mount_dev();
// /proc, /sys, /dev/pts (devpts), /dev/shm and /run (tmpfs). Throws runz::Error naming the mount point.
void mount_pseudo_filesystems();
// sync(), then reboot(RB_POWER_OFF); retried forever if the kernel refuses.
[[noreturn]] void power_off() noexcept;
// uname -r.
std::string kernel_release();
// Whether the kernel's hvc driver eats ^O as the SysRq prefix on our console: it does when the kernel has
// MAGIC_SYSRQ (/proc/sys/kernel/sysrq exists) and hvc0 is the kernel console (listed in /proc/consoles).
bool hvc0_takes_sysrq();

// Enables every SysRq function (Debian's default mask leaves out the task dumps), so that the host, the
// only writer of the zone's console input, can ask for "show tasks" when a request times out. Processes in
// the zone gain nothing: root in the zone has /proc/sysrq-trigger anyway, and console output is not input.
void allow_console_sysrq_dumps() noexcept;

}  // namespace runz::guest
