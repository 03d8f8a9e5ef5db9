// Backend side of the xenbus handshake for one `9pfs` device (xen docs/misc/9pfs.pandoc "Xenstore";
// the frontend is Linux net/9p/trans_xen.c). The toolstack writes the device's nodes before this backend
// starts (xen/devices/p9fs.hpp, layout in xen/devices/p9fs_layout.hpp); Device::start() publishes the
// features again and goes InitWait, then follows the frontend's state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xen/devices/p9fs_layout.hpp"
#include "xen/p9/device_state.hpp"
#include "xen/p9/export.hpp"
#include "xen/p9/server.hpp"
#include "xen/p9/xen_ports.hpp"
#include "xen/p9/xen_transport.hpp"

namespace runz::p9 {

constexpr uint32_t kMaxRings = xen::devices::kP9fsMaxRings;
constexpr const char* kTransportVersions = xen::devices::kP9fsTransportVersions;

struct DeviceConfig {
  uint32_t domid = 0;          // the guest (frontend) domain
  uint32_t devid = 0;
  std::string tag;             // what the guest mounts: mount -t 9p -o trans=xen <tag> /mnt
  uint32_t backend_domid = 0;  // where this backend runs
  size_t max_fids = kDefaultMaxFids;
};

std::string backend_path(const DeviceConfig& c);
std::string frontend_path(const DeviceConfig& c);

// A strict decimal uint32 from a guest-writable xenstore value: digits only, no sign, no spaces, no
// overflow. nullopt otherwise.
std::optional<uint32_t> parse_xs_u32(std::string_view s) noexcept;

class Device {
 public:
  Device(DeviceConfig config, Export exp, Xenstore& xs, GrantMapper& gnt, EventChannels& evtchn);
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device();

  // Publishes the backend features, goes InitWait and watches the frontend state (token = watch_token()).
  void start();
  // The frontend state node changed (or its watch fired): reads it and acts. Returns the local ports of the
  // rings that just connected: serve each once (on_port), because the frontend may have queued requests (a
  // 9p mount's Tversion) before we bound its event channels, and Xen drops a notification sent to a port
  // that nobody has bound yet, so no event will come for them.
  std::vector<uint32_t> on_frontend_changed();
  // An event on `local_port`: serves that ring if it is ours. Returns true if the port was ours.
  // *more is set when the ring may have work left (call again without waiting).
  bool on_port(uint32_t local_port, bool* more);
  // Closes the device (SIGTERM): disconnects and writes Closed.
  void shutdown();

  XenbusState state() const noexcept { return state_; }
  bool closed() const noexcept { return state_ == XenbusStateClosed; }
  const DeviceConfig& config() const noexcept { return config_; }
  std::string watch_token() const;
  std::vector<uint32_t> local_ports() const;

 private:
  void apply(DeviceEvent event);
  void connect();     // reads the frontend's keys and builds every ring; throws runz::Error
  void disconnect() noexcept;
  void write_state(XenbusState s);
  std::string log_prefix() const;

  DeviceConfig config_;
  Xenstore& xs_;
  GrantMapper& gnt_;
  EventChannels& evtchn_;
  Server server_;
  std::vector<std::unique_ptr<RingConnection>> rings_;
  XenbusState state_ = XenbusStateInitialising;
  bool watching_ = false;
};

}  // namespace runz::p9
