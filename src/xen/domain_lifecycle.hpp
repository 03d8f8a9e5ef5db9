// Lifecycle of a zone's domain after it was built: pause/unpause, find (by domid AND recorded UUID, since
// domids get reused), wait for shutdown and read its reason, list runz's domains, and destroy (hypervisor +
// xenstore). OwnedDomain ties the whole teardown to a scope.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xen/uuid.hpp"
#include "xen/xc.hpp"
#include "xen/xs.hpp"

namespace runz::xen {

// Every domain runz builds is named with this prefix (zones: "runz-<container id>").
inline constexpr std::string_view kDomainNamePrefix = "runz-";

// The xenstore directory xenstored and libxl use for a domain's VM data: "/vm/<uuid>".
std::string vm_path(const Uuid& uuid);

// The domain `domid`, only if its handle is `uuid`; nullopt if it is gone or the domid now belongs to
// another domain.
std::optional<DomainInfo> find_domain(const XcHandle& xc, DomId domid, const Uuid& uuid);

void pause_domain(XcHandle& xc, DomId domid);
void unpause_domain(XcHandle& xc, DomId domid);

// Full teardown: if `domid` still carries `uuid`, xc_domain_destroy it; then remove /local/domain/<domid>
// (only when the domid was ours) and /vm/<uuid>, and tell xenstored to release the domain. Returns false
// (and destroys nothing) if the domid belongs to another domain now. Throws on a failed hypervisor call;
// xenstore failures are logged.
bool destroy_domain(XcHandle& xc, XsHandle& xs, DomId domid, const Uuid& uuid);

// Owns a domain's whole lifetime: destroy_domain in the destructor unless release()d. XcHandle and XsHandle
// must outlive it.
class OwnedDomain {
 public:
  OwnedDomain() noexcept = default;
  OwnedDomain(XcHandle& xc, XsHandle& xs, DomId domid, Uuid uuid) noexcept
      : xc_(&xc), xs_(&xs), domid_(domid), uuid_(uuid) {}
  OwnedDomain(OwnedDomain&& other) noexcept;
  OwnedDomain& operator=(OwnedDomain&& other) noexcept;
  OwnedDomain(const OwnedDomain&) = delete;
  OwnedDomain& operator=(const OwnedDomain&) = delete;
  ~OwnedDomain();

  bool owns() const noexcept { return xc_ != nullptr; }
  DomId id() const noexcept { return domid_; }
  const Uuid& uuid() const noexcept { return uuid_; }
  DomId release() noexcept;
  // Tears the domain down now; throws like destroy_domain. Afterwards owns() is false.
  void destroy();

 private:
  void reset() noexcept;
  XcHandle* xc_ = nullptr;
  XsHandle* xs_ = nullptr;
  DomId domid_ = 0;
  Uuid uuid_;
};

// How a domain ended, as far as the hypervisor tells.
struct DomainExit {
  bool gone = false;                              // no longer exists (destroyed by someone)
  std::optional<ShutdownReason> reason;           // set when it shut down (poweroff, crash, ...)
  std::string describe() const;                   // "poweroff", "crash", "destroyed", ...
};

// The current state: nullopt while the domain runs (or is paused), else how it ended.
std::optional<DomainExit> check_exit(const XcHandle& xc, DomId domid, const Uuid& uuid);

// Watches for domain deaths: xenstored fires "@releaseDomain" when any introduced domain shuts down or is
// destroyed (VIRQ_DOM_EXC itself is taken by xenstored, so a second toolstack cannot bind it). Poll fd()
// and call check() whenever it is readable, or periodically.
class ShutdownWatcher {
 public:
  ShutdownWatcher(XcHandle& xc, XsHandle& xs, DomId domid, Uuid uuid);
  int fd() const noexcept { return fd_; }
  // Drains pending watch events and reports the domain's exit, if it has ended.
  std::optional<DomainExit> check();
  // Blocks up to `timeout` for the domain to end.
  std::optional<DomainExit> wait(std::chrono::milliseconds timeout);

 private:
  XcHandle* xc_;
  XsHandle* xs_;
  DomId domid_;
  Uuid uuid_;
  XsWatch watch_;
  int fd_ = -1;
};

// A domain runz built, found through xenstore names.
struct RunzDomain {
  DomId domid = 0;
  std::string name;
  Uuid uuid;
  DomainInfo info;
};

// Every live domain whose xenstore name starts with kDomainNamePrefix.
std::vector<RunzDomain> list_runz_domains(const XcHandle& xc, XsHandle& xs);

}  // namespace runz::xen
