// The real Xen facilities behind xen_ports.hpp, on the project's shared wrappers (xen/xs.hpp,
// xen/gnttab.hpp, xen/evtchn.hpp): what runz-p9-backend serves its devices with. Tests plug fakes into the
// same interfaces instead (fake_xen.hpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "xen/evtchn.hpp"
#include "xen/gnttab.hpp"
#include "xen/p9/xen_ports.hpp"
#include "xen/xs.hpp"

namespace runz::p9 {

class SharedXenstore final : public Xenstore {
 public:
  SharedXenstore() : xs_(xen::XsHandle::open()) {}
  std::optional<std::string> read(const std::string& path) override { return xs_.read(path); }
  void write(const std::string& path, const std::string& value) override { xs_.write(path, value); }
  void watch(const std::string& path, const std::string& token) override;
  void unwatch(const std::string& path, const std::string& token) noexcept override;
  int fd() { return xs_.fd(); }
  std::optional<xen::XsWatchEvent> next_watch_event() { return xs_.next_watch_event(); }

 private:
  xen::XsHandle xs_;
  std::map<std::pair<std::string, std::string>, xen::XsWatch> watches_;  // destroyed before xs_
};

class SharedGrantMapper final : public GrantMapper {
 public:
  SharedGrantMapper() : gnt_(xen::GntHandle::open()) {}
  std::unique_ptr<GrantMapping> map(uint32_t domid, std::span<const uint32_t> refs) override;

 private:
  xen::GntHandle gnt_;
};

class SharedEventChannels final : public EventChannels {
 public:
  SharedEventChannels() : evtchn_(xen::EvtchnHandle::open()) {}
  std::unique_ptr<BoundPort> bind(uint32_t domid, uint32_t remote_port) override;
  int fd() const { return evtchn_.fd(); }
  void restrict_to(uint32_t domid) { evtchn_.restrict_to(domid); }
  // The port that fired (call when fd() polls readable), or nullopt.
  std::optional<uint32_t> pending() { return evtchn_.pending(); }
  void unmask(uint32_t port) { evtchn_.unmask(port); }

 private:
  xen::EvtchnHandle evtchn_;
};

}  // namespace runz::p9
