#include "guest/signals.hpp"

#include "common/error.hpp"

#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace runz::guest {

std::optional<ino_t> mount_namespace_of(pid_t pid) {
  struct stat st {};
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/mnt";
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_ino;
}

void signal_process(pid_t pid, int signal) {
  if (::kill(pid, signal) != 0) throw_errno("kill " + std::to_string(pid) + " with signal " + std::to_string(signal));
}

int signal_namespace(ino_t ns, int signal) {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) throw_errno("open /proc");
  int count = 0;
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == self) continue;
    const auto pid_ns = mount_namespace_of(static_cast<pid_t>(pid));
    if (pid_ns && *pid_ns == ns && ::kill(static_cast<pid_t>(pid), signal) == 0) ++count;
  }
  ::closedir(dir);
  return count;
}

}  // namespace runz::guest
