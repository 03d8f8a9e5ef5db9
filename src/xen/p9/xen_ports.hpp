// The three Xen facilities a 9pfs backend device uses, as interfaces: the real ones wrap libxenstore,
// libxengnttab and libxenevtchn (xen_sys.hpp); tests plug in fakes backed by plain memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace runz::p9 {

class Xenstore {
 public:
  virtual ~Xenstore() = default;
  // nullopt if the node does not exist.
  virtual std::optional<std::string> read(const std::string& path) = 0;
  virtual void write(const std::string& path, const std::string& value) = 0;
  virtual void watch(const std::string& path, const std::string& token) = 0;
  virtual void unwatch(const std::string& path, const std::string& token) noexcept = 0;
};

// Pages another domain granted us, mapped contiguously; unmapped when destroyed.
class GrantMapping {
 public:
  virtual ~GrantMapping() = default;
  virtual uint8_t* data() const noexcept = 0;
  virtual size_t bytes() const noexcept = 0;
};

class GrantMapper {
 public:
  virtual ~GrantMapper() = default;
  // Maps `refs` of `domid` read-write. Throws runz::Error.
  virtual std::unique_ptr<GrantMapping> map(uint32_t domid, std::span<const uint32_t> refs) = 0;
};

// A local event channel port bound to a remote one; unbound when destroyed.
class BoundPort {
 public:
  virtual ~BoundPort() = default;
  virtual uint32_t local_port() const noexcept = 0;
  virtual void notify() = 0;
};

class EventChannels {
 public:
  virtual ~EventChannels() = default;
  // Binds to `remote_port` of `domid`. Throws runz::Error.
  virtual std::unique_ptr<BoundPort> bind(uint32_t domid, uint32_t remote_port) = 0;
};

}  // namespace runz::p9
