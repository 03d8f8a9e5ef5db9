#include "xen/p9/xen_sys.hpp"

#include <sys/mman.h>

extern "C" {  // the Xen library headers have no C++ guards
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
}

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "common/error.hpp"
#include "xen/p9/ring.hpp"

namespace runz::p9 {

// ---- xenstore ----

std::unique_ptr<LibXenstore> LibXenstore::open() {
  xs_handle* h = xs_open(0);
  if (h == nullptr) throw_errno("xs_open");
  return std::unique_ptr<LibXenstore>(new LibXenstore(h));
}

LibXenstore::~LibXenstore() { xs_close(h_); }

std::optional<std::string> LibXenstore::read(const std::string& path) {
  unsigned len = 0;
  void* v = xs_read(h_, XBT_NULL, path.c_str(), &len);
  if (v == nullptr) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("xs_read " + quoted(path));
  }
  std::string out(static_cast<const char*>(v), len);
  std::free(v);
  return out;
}

void LibXenstore::write(const std::string& path, const std::string& value) {
  if (!xs_write(h_, XBT_NULL, path.c_str(), value.data(), static_cast<unsigned>(value.size()))) {
    throw_errno("xs_write " + quoted(path));
  }
}

void LibXenstore::watch(const std::string& path, const std::string& token) {
  if (!xs_watch(h_, path.c_str(), token.c_str())) throw_errno("xs_watch " + quoted(path));
}

void LibXenstore::unwatch(const std::string& path, const std::string& token) noexcept {
  if (!xs_unwatch(h_, path.c_str(), token.c_str())) {
    std::cerr << "runz-p9-backend: xs_unwatch " << quoted(path) << " failed\n";
  }
}

int LibXenstore::fd() const { return xs_fileno(h_); }

std::optional<std::pair<std::string, std::string>> LibXenstore::next_watch_event() {
  char** ev = xs_check_watch(h_);
  if (ev == nullptr) return std::nullopt;
  std::pair<std::string, std::string> out{ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]};
  std::free(ev);
  return out;
}

// ---- grant tables ----

namespace {
class LibGrantMapping final : public GrantMapping {
 public:
  LibGrantMapping(xengntdev_handle* h, void* addr, uint32_t pages) noexcept : h_(h), addr_(addr), pages_(pages) {}
  ~LibGrantMapping() override {
    if (xengnttab_unmap(h_, addr_, pages_) != 0) {
      std::cerr << "runz-p9-backend: xengnttab_unmap of " << pages_ << " pages failed\n";
    }
  }
  uint8_t* data() const noexcept override { return static_cast<uint8_t*>(addr_); }
  size_t bytes() const noexcept override { return size_t{pages_} * kXenPageBytes; }

 private:
  xengntdev_handle* h_;
  void* addr_;
  uint32_t pages_;
};

class LibBoundPort final : public BoundPort {
 public:
  LibBoundPort(xenevtchn_handle* h, evtchn_port_t port) noexcept : h_(h), port_(port) {}
  ~LibBoundPort() override {
    if (xenevtchn_unbind(h_, port_) != 0) std::cerr << "runz-p9-backend: xenevtchn_unbind " << port_ << " failed\n";
  }
  uint32_t local_port() const noexcept override { return port_; }
  void notify() override {
    if (xenevtchn_notify(h_, port_) != 0) throw_errno("xenevtchn_notify");
  }

 private:
  xenevtchn_handle* h_;
  evtchn_port_t port_;
};
}  // namespace

std::unique_ptr<LibGnttab> LibGnttab::open() {
  xengntdev_handle* h = xengnttab_open(nullptr, 0);
  if (h == nullptr) throw_errno("xengnttab_open");
  return std::unique_ptr<LibGnttab>(new LibGnttab(h));
}

LibGnttab::~LibGnttab() { xengnttab_close(h_); }

std::unique_ptr<GrantMapping> LibGnttab::map(uint32_t domid, std::span<const uint32_t> refs) {
  std::vector<uint32_t> copy(refs.begin(), refs.end());
  void* addr = xengnttab_map_domain_grant_refs(h_, static_cast<uint32_t>(copy.size()), domid, copy.data(),
                                               PROT_READ | PROT_WRITE);
  if (addr == nullptr) throw_errno("map " + std::to_string(copy.size()) + " grants of domain " + std::to_string(domid));
  return std::make_unique<LibGrantMapping>(h_, addr, static_cast<uint32_t>(copy.size()));
}

// ---- event channels ----

std::unique_ptr<LibEvtchn> LibEvtchn::open() {
  xenevtchn_handle* h = xenevtchn_open(nullptr, 0);
  if (h == nullptr) throw_errno("xenevtchn_open");
  return std::unique_ptr<LibEvtchn>(new LibEvtchn(h));
}

LibEvtchn::~LibEvtchn() { xenevtchn_close(h_); }

std::unique_ptr<BoundPort> LibEvtchn::bind(uint32_t domid, uint32_t remote_port) {
  const xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(h_, domid, remote_port);
  if (port < 0) {
    throw_errno("bind event channel " + std::to_string(remote_port) + " of domain " + std::to_string(domid));
  }
  return std::make_unique<LibBoundPort>(h_, static_cast<evtchn_port_t>(port));
}

int LibEvtchn::fd() const { return xenevtchn_fd(h_); }

std::optional<uint32_t> LibEvtchn::pending() {
  const xenevtchn_port_or_error_t port = xenevtchn_pending(h_);
  if (port < 0) return std::nullopt;
  return static_cast<uint32_t>(port);
}

void LibEvtchn::unmask(uint32_t port) {
  if (xenevtchn_unmask(h_, port) != 0) throw_errno("xenevtchn_unmask");
}

}  // namespace runz::p9
