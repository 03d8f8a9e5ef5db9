// Where a 9pfs device lives in xenstore and what its backend offers (xen docs/misc/9pfs.pandoc
// "Xenstore"). Shared by the toolstack's device unit (p9fs.hpp: writes and removes the nodes) and the
// backend process (xen/p9/xenbus_backend.cpp: drives the handshake on them). Header-only and free of
// Xen libraries, so the backend links no toolstack code.
//
//   /local/domain/B/backend/9pfs/D/N   the backend's half (B: backend domain, normally 0; D: the zone)
//   /local/domain/D/device/9pfs/N      the frontend's half (N: device number)
#pragma once

#include <cstdint>
#include <string>

#include "xen/devices/xenbus_state.hpp"

namespace runz::xen::devices {

inline constexpr uint32_t kP9fsMaxRings = 4;  // Linux uses 2
inline constexpr const char* kP9fsTransportVersions = "1";
inline constexpr uint32_t kP9fsMaxRingPageOrder = 9;  // 512 data pages: the most the interface page can list

inline std::string p9fs_frontend_path(uint32_t domid, uint32_t devid) {
  return "/local/domain/" + std::to_string(domid) + "/device/9pfs/" + std::to_string(devid);
}

// Every 9pfs backend device of domain `domid`.
inline std::string p9fs_backend_dir(uint32_t backend_domid, uint32_t domid) {
  return "/local/domain/" + std::to_string(backend_domid) + "/backend/9pfs/" + std::to_string(domid);
}

inline std::string p9fs_backend_path(uint32_t backend_domid, uint32_t domid, uint32_t devid) {
  return p9fs_backend_dir(backend_domid, domid) + "/" + std::to_string(devid);
}

}  // namespace runz::xen::devices
