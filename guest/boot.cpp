#include "guest/boot.hpp"

#include "common/error.hpp"

#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace runz::guest {

namespace {

void mount_at(const char* source, const char* target, const char* type, unsigned long flags, const char* data) {
  if (::mkdir(target, 0755) != 0 && errno != EEXIST) throw_errno("mkdir " + runz::quoted(target));
  if (::mount(source, target, type, flags, data) != 0 && errno != EBUSY)
    throw_errno("mount " + std::string(type) + " on " + runz::quoted(target));
}

}  // namespace

void mount_dev() { mount_at("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755"); }

void mount_pseudo_filesystems() {
  mount_at("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  mount_at("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  mount_at("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
  mount_at("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_at("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

void power_off() noexcept {
  for (;;) {
    ::sync();
    ::reboot(RB_POWER_OFF);
    ::sleep(1);
  }
}

void allow_console_sysrq_dumps() noexcept {
  std::ofstream sysrq("/proc/sys/kernel/sysrq");
  sysrq << "1\n";  // a failed write leaves the kernel's default: the host then just sees no task dump
}

bool hvc0_takes_sysrq() {
  if (::access("/proc/sys/kernel/sysrq", F_OK) != 0) return false;
  std::ifstream consoles("/proc/consoles");
  std::string line;
  while (std::getline(consoles, line))
    if (line.rfind("hvc0 ", 0) == 0) return true;
  return false;
}

std::string kernel_release() {
  utsname u{};
  if (::uname(&u) != 0) return {};
  return u.release;
}

}  // namespace runz::guest
