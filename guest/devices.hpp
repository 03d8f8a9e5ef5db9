// /dev inside the container: the OCI default devices (null, zero, full, random, urandom, tty), linux.devices,
// and the usual symlinks (fd, stdin, stdout, stderr, ptmx). On the tmpfs config.json mounts at /dev they are
// made with mknod. Without one, /dev is the rootfs's own directory, a 9P export where no device node opens
// (the backend exports nodev): there each default device is the zone's own node bind-mounted onto an empty
// file, as runc does in a user namespace.
#pragma once

#include "spec/config.hpp"

#include <filesystem>
#include <vector>

namespace runz::guest {

// Creates the default devices and symlinks beneath `rootfs`/dev (by mknod when `dev_is_tmpfs`, else bound
// from `zone_dev`, the zone's devtmpfs), then `devices`. Existing entries are kept, except that a default
// device on the rootfs gets the zone's node over it. Throws runz::Error naming the device; where the rootfs
// is read-only, the default devices it lacks are left out (there is no entry to bind onto).
void create_devices(const std::filesystem::path& rootfs, bool dev_is_tmpfs, const std::vector<spec::Device>& devices,
                    const std::filesystem::path& zone_dev = "/dev");

}  // namespace runz::guest
