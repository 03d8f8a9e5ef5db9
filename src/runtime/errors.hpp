// Typed errors of the runtime library. Each sets its ErrorKind, which is what callers (the CLI's log line,
// the shim) go by once context frames were added. Their messages are runc's, because tools such as Docker
// match on them: "container does not exist", "container not running"...
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace runz::runtime {

// No container with this id under --root.
class ContainerNotExist : public Error {
 public:
  explicit ContainerNotExist(std::string_view id)
      : Error("container " + std::string(id) + " does not exist", ErrorKind::NotFound), id_(id) {}
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

// `create` of an id that is taken.
class ContainerExists : public Error {
 public:
  explicit ContainerExists(std::string_view id)
      : Error("container with id exists: " + std::string(id), ErrorKind::AlreadyExists) {}
};

// The container's monitor is gone (or its process exited), so there is nothing to signal or talk to.
class ContainerNotRunning : public Error {
 public:
  ContainerNotRunning() : Error("container not running", ErrorKind::FailedPrecondition) {}
};

}  // namespace runz::runtime
