// The state directory: `<root>/<id>/` per container (files: record.hpp), a per-container lock, and
// creation by `mkdir` as the atomic claim of an id.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"
#include "runtime/record.hpp"

namespace runz::runtime {

// An exclusive flock on `<root>/<id>/.lock`, serialising the commands that change one container. Released
// (LOCK_UN, then close) on destruction. Move-only.
class ContainerLock {
 public:
  ContainerLock() = default;
  explicit ContainerLock(UniqueFd fd) : fd_(std::move(fd)) {}
  ContainerLock(ContainerLock&&) noexcept = default;
  ContainerLock& operator=(ContainerLock&& other) noexcept;
  ~ContainerLock();

  bool held() const noexcept { return fd_.valid(); }
  // In a forked child: closes this process's copy without unlocking the parent's lock.
  void forget_in_child() noexcept { fd_.reset(); }

 private:
  void unlock() noexcept;
  UniqueFd fd_;
};

class StateStore {
 public:
  explicit StateStore(std::filesystem::path root);

  const std::filesystem::path& root() const noexcept { return root_; }
  std::filesystem::path dir(std::string_view id) const;

  // Creates the root (mode 0700) if missing. `create` calls this only after the host check passed, so a
  // failed check leaves nothing behind.
  void ensure_root() const;
  // Claims `id` by creating its directory: of two racing claims exactly one wins; the other throws
  // ContainerExists. Returns the container's lock, held.
  ContainerLock claim(std::string_view id) const;
  // Locks an existing container; throws ContainerNotExist if there is none (or it was deleted while we
  // waited for the lock).
  ContainerLock lock(std::string_view id) const;

  // True when `<root>/<id>/state.json` exists.
  bool exists(std::string_view id) const;
  // state.json merged with what the monitor wrote (monitor.json, zone.json, exit.json: those are facts and
  // win). Throws ContainerNotExist when there is no state.json.
  ContainerRecord load(std::string_view id) const;
  void save(const ContainerRecord& record) const;
  void save_monitor(std::string_view id, const HostProcess& monitor) const;
  void save_zone(std::string_view id, const ZoneRecord& zone) const;
  void save_exit(std::string_view id, const ExitRecord& exit) const;

  // Removes the container's directory. Call with its lock held; waiters on the lock then see it is gone.
  void remove(std::string_view id, const ContainerLock& lock) const;
  // Ids that have a state.json, sorted.
  std::vector<std::string> list() const;

 private:
  std::filesystem::path root_;
};

}  // namespace runz::runtime
