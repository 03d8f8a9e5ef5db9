// The real Xen facilities behind xen_ports.hpp: minimal RAII wrappers over libxenstore, libxengnttab and
// libxenevtchn for the 9pfs backend process. (src/xen/ has the toolstack's general wrappers; these stay
// here so the backend builds and links on its own, with no more than it uses.)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "xen/p9/xen_ports.hpp"

struct xs_handle;
struct xengntdev_handle;
struct xenevtchn_handle;

namespace runz::p9 {

class LibXenstore final : public Xenstore {
 public:
  static std::unique_ptr<LibXenstore> open();  // throws runz::Error
  ~LibXenstore() override;
  std::optional<std::string> read(const std::string& path) override;
  void write(const std::string& path, const std::string& value) override;
  void watch(const std::string& path, const std::string& token) override;
  void unwatch(const std::string& path, const std::string& token) noexcept override;
  int fd() const;
  // A pending watch event {path, token}, without blocking.
  std::optional<std::pair<std::string, std::string>> next_watch_event();
  xs_handle* raw() const noexcept { return h_; }

 private:
  explicit LibXenstore(xs_handle* h) noexcept : h_(h) {}
  xs_handle* h_;
};

class LibGnttab final : public GrantMapper {
 public:
  static std::unique_ptr<LibGnttab> open();  // throws runz::Error
  ~LibGnttab() override;
  std::unique_ptr<GrantMapping> map(uint32_t domid, std::span<const uint32_t> refs) override;

 private:
  explicit LibGnttab(xengntdev_handle* h) noexcept : h_(h) {}
  xengntdev_handle* h_;
};

class LibEvtchn final : public EventChannels {
 public:
  static std::unique_ptr<LibEvtchn> open();  // throws runz::Error
  ~LibEvtchn() override;
  std::unique_ptr<BoundPort> bind(uint32_t domid, uint32_t remote_port) override;
  int fd() const;
  // The port that fired (call when fd() polls readable), or nullopt.
  std::optional<uint32_t> pending();
  void unmask(uint32_t port);

 private:
  explicit LibEvtchn(xenevtchn_handle* h) noexcept : h_(h) {}
  xenevtchn_handle* h_;
};

}  // namespace runz::p9
