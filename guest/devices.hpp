// /dev inside the container when config.json mounts a tmpfs there: the OCI default devices (null, zero,
// full, random, urandom, tty), linux.devices, and the usual symlinks (fd, stdin, stdout, stderr, ptmx).
#pragma once

#include "spec/config.hpp"

#include <filesystem>
#include <vector>

namespace runz::guest {

// Creates the default devices and symlinks beneath `rootfs`/dev, then `devices`. Existing entries are kept.
// Throws runz::Error naming the device.
void create_devices(const std::filesystem::path& rootfs, bool default_devices, const std::vector<spec::Device>& devices);

}  // namespace runz::guest
