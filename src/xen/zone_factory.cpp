#include "xen/zone_factory.hpp"

#include <optional>
#include <string>

#include "common/error.hpp"
#include "xen/devices/zone_devices.hpp"
#include "xen/domain_lifecycle.hpp"
#include "xen/host_check.hpp"
#include "xen/host_process.hpp"
#include "xen/log.hpp"
#include "xen/xen_zone.hpp"

namespace runz::xen {
namespace {

class XenZoneFactory final : public zone::ZoneFactory {
 public:
  void check_host() const override {
    check_xen_dom0();
    with_context("runz needs a Xen dom0 with xenstored", [] {
      XcHandle::open();
      XsHandle::open();
    });
  }

  std::unique_ptr<zone::Zone> create(const zone::ZoneConfig& cfg, zone::ZoneStdio stdio,
                                        const std::function<void(const zone::ZoneRecord&)>& on_record) override {
    auto zone = std::make_unique<XenZone>(cfg, std::move(stdio), on_record);
    zone->build_and_create();  // on failure the zone's destructor tears down what was made
    return zone;
  }

  // The recorded domain still exists with the recorded UUID handle; nullopt when Xen cannot be asked (no
  // privcmd access, say): the status is then the monitor's liveness alone.
  std::optional<bool> zone_exists(const zone::ZoneRecord& record) const noexcept override {
    const auto uuid = Uuid::parse(record.uuid);
    if (!uuid) return std::nullopt;
    try {
      const XcHandle xc = XcHandle::open();
      return find_domain(xc, record.domid, *uuid).has_value();
    } catch (const std::exception& e) {
      log_debug(std::string("zone_exists: ") + e.what());
      return std::nullopt;
    }
  }

  void cleanup(const zone::ZoneRecord& record) noexcept override {
    for (const zone::HostProcess& helper : record.helpers) kill_recorded(helper);
    if (record.uuid.empty()) return;
    auto uuid = Uuid::parse(record.uuid);
    if (!uuid) {
      log_error("cleanup: recorded uuid " + runz::quoted(record.uuid) + " does not parse; domain " +
                std::to_string(record.domid) + " left alone");
      return;
    }
    try {
      XcHandle xc = XcHandle::open();
      XsHandle xs = XsHandle::open();
      if (destroy_domain(xc, xs, record.domid, *uuid)) devices::remove_zone_devices(xs, record.domid, record.devices);
    } catch (const std::exception& e) {
      log_error("cleanup of domain " + std::to_string(record.domid) + ": " + e.what());
    }
  }
};

}  // namespace

std::unique_ptr<zone::ZoneFactory> make_zone_factory() { return std::make_unique<XenZoneFactory>(); }

}  // namespace runz::xen
