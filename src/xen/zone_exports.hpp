// The 9pfs exports of one container in a zone: its rootfs and bind-mount sources as 9pfs devices
// (devices/p9fs.hpp) and the runz-p9-backend process that serves them. A zone's main container gets its
// exports before the domain boots; a pod's further container gets them hot-plugged into the running zone.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/config.hpp"
#include "xen/host_process.hpp"
#include "xen/xs.hpp"
#include "zone/zone.hpp"

namespace runz::xen {

// A file bind mount is exported as a directory holding only that file, named by its file name: that name,
// or nullopt for a directory.
std::optional<std::string> exported_file_name(const spec::Mount& m);

// The 9p tag of a container's rootfs and of its i-th bind mount; `prefix` tells a pod's containers apart.
std::string rootfs_tag(const std::string& prefix);
std::string bind_mount_tag(const std::string& prefix, uint32_t index);
// How many 9pfs devices a container's exports take: its rootfs and each bind mount.
uint32_t export_count(const zone::ZoneConfig& cfg);

class ContainerExports {
 public:
  // What the zone records before a resource is made (zone::ZoneRecord): the devices before their nodes
  // are written, the backend process once spawned.
  struct Recorder {
    std::function<void(const std::vector<zone::ZoneDevice>&)> devices;
    std::function<void(const zone::HostProcess&)> helper;
    // what start() recorded and removed again after a failure
    std::function<void(const std::vector<zone::ZoneDevice>&, const std::optional<zone::HostProcess>&)> forget;
  };

  // Writes the devices of `cfg`'s exports (devids from `first_devid`, tags with `prefix`), spawns the
  // backend (its log: <cfg.state_dir>/p9-backend.log) and waits until it serves them: until each device's
  // backend is InitWait (`hotplug` false: the zone has not booted) or Connected (`hotplug`: the running
  // zone's frontend connects at once). On failure, what was made is removed again.
  // The backend runs as the zone's backend user with the fid limit `host` sets (the zone's settings: a
  // pod's further container is served as its sandbox is).
  static ContainerExports start(XsHandle& xs, DomId domid, const zone::ZoneConfig& cfg, const zone::HostSettings& host,
                                uint32_t first_devid, const std::string& prefix, bool hotplug,
                                std::chrono::seconds timeout, const Recorder& record);

  ContainerExports() = default;
  ContainerExports(ContainerExports&&) noexcept = default;
  ContainerExports& operator=(ContainerExports&&) noexcept = default;
  ~ContainerExports() = default;  // stop_and_remove() is the teardown; the backend alone also stops here

  const std::vector<zone::ZoneDevice>& devices() const noexcept { return devices_; }
  uint32_t next_devid() const noexcept { return next_devid_; }
  std::optional<zone::HostProcess> helper() const;
  // Stops the backend, then removes its devices' nodes (nothing serves a device whose nodes are gone).
  void stop_and_remove(XsHandle& xs) noexcept;

 private:
  DomId domid_ = 0;
  std::vector<zone::ZoneDevice> devices_;
  uint32_t next_devid_ = 0;
  std::optional<ChildProcess> backend_;
};

}  // namespace runz::xen
