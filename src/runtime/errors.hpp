// Typed errors of the runtime library, so callers (the CLI, the shim) can tell them apart. Their messages
// are runc's, because tools match on them: "container does not exist", "container not running"...
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace runz::runtime {

// No container with this id under --root.
class ContainerNotExist : public Error {
 public:
  explicit ContainerNotExist(std::string_view id)
      : Error("container " + std::string(id) + " does not exist"), id_(id) {}
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

// `create` of an id that is taken.
class ContainerExists : public Error {
 public:
  explicit ContainerExists(std::string_view id) : Error("container with id exists: " + std::string(id)) {}
};

// The container's monitor is gone (or its process exited), so there is nothing to signal or talk to.
class ContainerNotRunning : public Error {
 public:
  ContainerNotRunning() : Error("container not running") {}
};

}  // namespace runz::runtime
