#include "runtime/zone_factory_default.hpp"

#include "common/error.hpp"
#include "runtime/host_check.hpp"

namespace runz::runtime {
namespace {

// Stands in for runz_xen's factory until integration: refuses to build zones, cleans up nothing.
class UnbuiltZoneFactory final : public ZoneFactory {
 public:
  void check_host() const override { check_xen_dom0(); }
  std::unique_ptr<Zone> create(const ZoneConfig&, ZoneStdio,
                               const std::function<void(const ZoneRecord&)>&) override {
    throw Error("zone support not built: this runz was built without src/xen (runz_xen)");
  }
  void cleanup(const ZoneRecord&) noexcept override {}
};

}  // namespace

std::unique_ptr<ZoneFactory> make_default_zone_factory() { return std::make_unique<UnbuiltZoneFactory>(); }

}  // namespace runz::runtime
