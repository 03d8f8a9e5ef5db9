#include "xen/domain_lifecycle.hpp"

#include <poll.h>

#include <cerrno>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "xen/log.hpp"

namespace runz::xen {
namespace {

std::string dom_prefix(DomId domid) { return "domain " + std::to_string(domid) + ": "; }

}  // namespace

std::string vm_path(const Uuid& uuid) { return "/vm/" + uuid.to_string(); }

std::optional<DomainInfo> find_domain(const XcHandle& xc, DomId domid, const Uuid& uuid) {
  auto info = xc.domain_info(domid);
  if (!info || info->handle != uuid) return std::nullopt;
  return info;
}

void pause_domain(XcHandle& xc, DomId domid) {
  xc.pause(domid);
  log_info(dom_prefix(domid) + "paused");
}

void unpause_domain(XcHandle& xc, DomId domid) {
  xc.unpause(domid);
  log_info(dom_prefix(domid) + "unpaused");
}

bool destroy_domain(XcHandle& xc, XsHandle& xs, DomId domid, const Uuid& uuid) {
  auto info = xc.domain_info(domid);
  bool ours = info && info->handle == uuid;
  if (info && !ours) {
    log_warning(dom_prefix(domid) + "not destroyed: its handle is " + runz::quoted(info->handle.to_string()) +
                ", not the recorded " + runz::quoted(uuid.to_string()) + " (the domid was reused)");
  }
  if (ours) {
    xc.destroy(domid);
    log_info(dom_prefix(domid) + "destroyed (uuid " + uuid.to_string() + ")");
  }
  // xenstore: a domid that is not ours keeps its nodes; our /vm/<uuid> goes either way.
  try {
    if (ours || !info) {
      std::string dom_path = "/local/domain/" + std::to_string(domid);
      // Only remove /local/domain/<domid> if it still describes our domain (its vm node names our uuid).
      auto vm = xs.read(dom_path + "/vm");
      if (!vm || *vm == vm_path(uuid)) xs.rm(dom_path);
    }
    xs.rm(vm_path(uuid));
  } catch (const std::exception& e) {
    log_error(dom_prefix(domid) + "removing xenstore nodes: " + e.what());
  }
  if (ours) {
    try {
      xs.release_domain(domid);
    } catch (const Error& e) {
      // xenstored may have noticed the domain's death and dropped it already.
      if (e.code() != ENOENT && e.code() != EINVAL) log_warning(dom_prefix(domid) + e.what());
    }
  }
  return ours || !info;
}

// --- OwnedDomain -------------------------------------------------------------------------------------------

OwnedDomain::OwnedDomain(OwnedDomain&& other) noexcept
    : xc_(std::exchange(other.xc_, nullptr)), xs_(other.xs_), domid_(other.domid_), uuid_(other.uuid_) {}

OwnedDomain& OwnedDomain::operator=(OwnedDomain&& other) noexcept {
  if (this != &other) {
    reset();
    xc_ = std::exchange(other.xc_, nullptr);
    xs_ = other.xs_;
    domid_ = other.domid_;
    uuid_ = other.uuid_;
  }
  return *this;
}

OwnedDomain::~OwnedDomain() { reset(); }

DomId OwnedDomain::release() noexcept {
  xc_ = nullptr;
  return domid_;
}

void OwnedDomain::destroy() {
  if (xc_ == nullptr) return;
  XcHandle* xc = std::exchange(xc_, nullptr);
  destroy_domain(*xc, *xs_, domid_, uuid_);
}

void OwnedDomain::reset() noexcept {
  try {
    destroy();
  } catch (const std::exception& e) {
    log_error(dom_prefix(domid_) + "teardown failed: " + e.what());
  }
}

// --- exit --------------------------------------------------------------------------------------------------

std::string DomainExit::describe() const {
  if (reason) return to_string(*reason);
  if (gone) return "destroyed";
  return "dying";
}

std::optional<DomainExit> check_exit(const XcHandle& xc, DomId domid, const Uuid& uuid) {
  auto info = find_domain(xc, domid, uuid);
  if (!info) return DomainExit{true, std::nullopt};
  if (info->shutdown) return DomainExit{false, info->shutdown_reason};
  if (info->dying) return DomainExit{false, std::nullopt};
  return std::nullopt;
}

ShutdownWatcher::ShutdownWatcher(XcHandle& xc, XsHandle& xs, DomId domid, Uuid uuid)
    : xc_(&xc),
      xs_(&xs),
      domid_(domid),
      uuid_(uuid),
      watch_(xs, "@releaseDomain", "runz-release-" + std::to_string(domid)),
      fd_(xs.fd()) {}

std::optional<DomainExit> ShutdownWatcher::check() {
  while (xs_->next_watch_event()) {
    // Events of other watches on this handle are dropped here; a handle with a ShutdownWatcher should carry
    // no other watches.
  }
  return check_exit(*xc_, domid_, uuid_);
}

std::optional<DomainExit> ShutdownWatcher::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto exit = check()) return exit;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) throw_errno("poll on the xenstore fd");
  }
}

// --- listing -----------------------------------------------------------------------------------------------

std::vector<RunzDomain> list_runz_domains(const XcHandle& xc, XsHandle& xs) {
  std::vector<RunzDomain> out;
  for (const DomainInfo& info : xc.list_domains()) {
    if (info.domid == 0) continue;
    auto name = xs.read("/local/domain/" + std::to_string(info.domid) + "/name");
    if (!name || !name->starts_with(kDomainNamePrefix)) continue;
    out.push_back(RunzDomain{info.domid, *name, info.handle, info});
  }
  return out;
}

}  // namespace runz::xen
