#include "xen/p9/xen_ports_impl.hpp"

namespace runz::p9 {
namespace {

class SharedGrantMapping final : public GrantMapping {
 public:
  explicit SharedGrantMapping(xen::GntMapping mapping) noexcept : mapping_(std::move(mapping)) {}
  uint8_t* data() const noexcept override { return static_cast<uint8_t*>(mapping_.data()); }
  size_t bytes() const noexcept override { return mapping_.size_bytes(); }

 private:
  xen::GntMapping mapping_;
};

class SharedBoundPort final : public BoundPort {
 public:
  explicit SharedBoundPort(xen::EvtchnPort port) noexcept : port_(std::move(port)) {}
  uint32_t local_port() const noexcept override { return port_.local_port(); }
  void notify() override { port_.notify(); }

 private:
  xen::EvtchnPort port_;
};

}  // namespace

void SharedXenstore::watch(const std::string& path, const std::string& token) {
  watches_.insert_or_assign({path, token}, xen::XsWatch(xs_, path, token));
}

void SharedXenstore::unwatch(const std::string& path, const std::string& token) noexcept {
  watches_.erase({path, token});  // xs_unwatch in XsWatch's destructor, a failure logged there
}

std::unique_ptr<GrantMapping> SharedGrantMapper::map(uint32_t domid, std::span<const uint32_t> refs) {
  return std::make_unique<SharedGrantMapping>(gnt_.map(domid, refs));
}

std::unique_ptr<BoundPort> SharedEventChannels::bind(uint32_t domid, uint32_t remote_port) {
  return std::make_unique<SharedBoundPort>(evtchn_.bind_interdomain(domid, remote_port));
}

}  // namespace runz::p9
