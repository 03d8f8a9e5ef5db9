// What the toolstack writes to xenstore for one 9pfs device (layout: xenbus_backend.hpp), as data
// (device_nodes, unit-tested) and as one xenstore transaction (write_device_nodes, retried on conflict).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xen/p9/xenbus_backend.hpp"

struct xs_handle;

namespace runz::p9 {

// One node: its value, its owner (full access; everybody else gets nothing) and one domain that may read.
struct XsNodeSpec {
  std::string path;
  std::string value;
  uint32_t owner = 0;
  uint32_t reader = 0;
};

// Every node for device `c`, directories first: the frontend directory (owner: guest) with backend,
// backend-id, state = Initialising, tag; the backend directory (owner: backend domain) with frontend,
// frontend-id, online, state = Initialising, versions, max-rings, max-ring-page-order.
std::vector<XsNodeSpec> device_nodes(const DeviceConfig& c);

// Writes device_nodes(c) in one transaction (retried while xenstored reports a conflict). Throws runz::Error.
void write_device_nodes(xs_handle* xs, const DeviceConfig& c);
// Removes both directories of the device (teardown; a missing node is not an error). Throws runz::Error.
void remove_device_nodes(xs_handle* xs, const DeviceConfig& c);

}  // namespace runz::p9
