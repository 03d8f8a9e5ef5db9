#include "runtime/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <system_error>

#include "common/error.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/errors.hpp"

namespace runz::runtime {
namespace {

constexpr const char* kLockFile = ".lock";
constexpr const char* kStateFile = "state.json";
constexpr const char* kMonitorFile = "monitor.json";
constexpr const char* kZoneFile = "zone.json";
constexpr const char* kExitFile = "exit.json";

std::optional<nlohmann::json> read_json(const std::filesystem::path& path) {
  const auto text = read_file_if_exists(path);
  if (!text) return std::nullopt;
  try {
    return nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception& e) {
    throw Error("parse " + runz::quoted(path.string()) + ": " + e.what());
  }
}

void write_json(const std::filesystem::path& path, const nlohmann::json& document) {
  write_file_atomic(path, document.dump() + "\n");
}

// Opens and flocks <dir>/.lock. nullopt when the directory does not exist.
std::optional<ContainerLock> lock_dir(const std::filesystem::path& dir, std::string_view id) {
  const std::filesystem::path path = dir / kLockFile;
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("open " + runz::quoted(path.string()));
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw_errno("lock " + runz::quoted(path.string()));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("stat " + runz::quoted(path.string()));
  if (st.st_nlink == 0) throw ContainerNotExist(id);  // deleted while we waited
  return ContainerLock(std::move(fd));
}

}  // namespace

ContainerLock& ContainerLock::operator=(ContainerLock&& other) noexcept {
  if (this != &other) {
    unlock();
    fd_ = std::move(other.fd_);
  }
  return *this;
}

ContainerLock::~ContainerLock() { unlock(); }

void ContainerLock::unlock() noexcept {
  // Explicit LOCK_UN: a forked monitor may still hold a copy of this descriptor.
  if (fd_) ::flock(fd_.get(), LOCK_UN);
  fd_.reset();
}

StateStore::StateStore(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path StateStore::dir(std::string_view id) const { return root_ / std::string(id); }

void StateStore::ensure_root() const {
  std::error_code ec;
  if (std::filesystem::is_directory(root_, ec)) return;
  std::filesystem::create_directories(root_, ec);
  if (ec) throw Error("create state root " + runz::quoted(root_.string()) + ": " + ec.message(), ec.value());
  ::chmod(root_.c_str(), 0700);
}

ContainerLock StateStore::claim(std::string_view id) const {
  const std::filesystem::path path = dir(id);
  if (::mkdir(path.c_str(), 0700) != 0) {
    if (errno == EEXIST) throw ContainerExists(id);
    throw_errno("create " + runz::quoted(path.string()));
  }
  auto lock = lock_dir(path, id);
  if (!lock) throw ContainerNotExist(id);  // removed between mkdir and open: someone deleted our claim
  return std::move(*lock);
}

ContainerLock StateStore::lock(std::string_view id) const {
  auto lock = lock_dir(dir(id), id);
  if (!lock) throw ContainerNotExist(id);
  return std::move(*lock);
}

bool StateStore::exists(std::string_view id) const {
  std::error_code ec;
  return std::filesystem::exists(dir(id) / kStateFile, ec);
}

ContainerRecord StateStore::load(std::string_view id) const {
  const std::filesystem::path base = dir(id);
  const auto state = with_context("container " + std::string(id), [&] { return read_json(base / kStateFile); });
  if (!state) throw ContainerNotExist(id);
  return with_context("container " + std::string(id), [&] {
    ContainerRecord record = container_record_from_json(*state);
    if (const auto monitor = read_json(base / kMonitorFile)) record.monitor = host_process_from_json(*monitor);
    if (const auto zone = read_json(base / kZoneFile)) record.zone = zone_record_from_json(*zone);
    if (const auto exit = read_json(base / kExitFile)) record.exit = exit_record_from_json(*exit);
    return record;
  });
}

void StateStore::save(const ContainerRecord& record) const { write_json(dir(record.id) / kStateFile, to_json(record)); }

void StateStore::save_monitor(std::string_view id, const HostProcess& monitor) const {
  write_json(dir(id) / kMonitorFile, to_json(monitor));
}

void StateStore::save_zone(std::string_view id, const ZoneRecord& zone) const {
  write_json(dir(id) / kZoneFile, to_json(zone));
}

void StateStore::save_exit(std::string_view id, const ExitRecord& exit) const {
  write_json(dir(id) / kExitFile, to_json(exit));
}

void StateStore::remove(std::string_view id, const ContainerLock& lock) const {
  if (!lock.held()) throw Error("remove container " + std::string(id) + ": lock not held");
  const std::filesystem::path path = dir(id);
  std::error_code ec;
  // Everything but the lock first, then the lock file (waiters see st_nlink == 0), then the directory.
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.path().filename() == kLockFile) continue;
    std::filesystem::remove_all(entry.path(), ec);
    if (ec) throw Error("remove " + runz::quoted(entry.path().string()) + ": " + ec.message(), ec.value());
  }
  if (ec) throw Error("list " + runz::quoted(path.string()) + ": " + ec.message(), ec.value());
  std::filesystem::remove(path / kLockFile, ec);
  std::filesystem::remove(path, ec);
  if (ec) throw Error("remove " + runz::quoted(path.string()) + ": " + ec.message(), ec.value());
}

std::vector<std::string> StateStore::list() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
    const std::string id = entry.path().filename().string();
    if (entry.is_directory(ec) && exists(id)) ids.push_back(id);
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error("list " + runz::quoted(root_.string()) + ": " + ec.message(), ec.value());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace runz::runtime
