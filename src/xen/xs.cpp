#include "xen/xs.hpp"

#include <poll.h>

// The Xen tool library headers carry no extern "C" of their own.
extern "C" {
#include <xenstore.h>
}

#include <cstdlib>
#include <cstring>
#include <memory>

#include "xen/log.hpp"

namespace runz::xen {
namespace {

// free()s what libxenstore returned.
struct FreeDeleter {
  void operator()(void* p) const noexcept { std::free(p); }
};
template <class T>
using CPtr = std::unique_ptr<T, FreeDeleter>;

std::string path_context(std::string_view call, const std::string& path) {
  return std::string(call) + " " + runz::quoted(path);
}

unsigned to_raw(XsPerm::Access access) { return static_cast<unsigned>(access); }

}  // namespace

// --- XsOps -------------------------------------------------------------------------------------------------

std::optional<std::string> XsOps::read(const std::string& path) const {
  unsigned int len = 0;
  CPtr<char> value(static_cast<char*>(xs_read(h_, tx_, path.c_str(), &len)));
  if (!value) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno(path_context("xs_read", path));
  }
  return std::string(value.get(), len);
}

void XsOps::write(const std::string& path, std::string_view value) const {
  if (!xs_write(h_, tx_, path.c_str(), value.data(), static_cast<unsigned int>(value.size())))
    throw_errno(path_context("xs_write", path));
}

void XsOps::mkdir(const std::string& path) const {
  if (!xs_mkdir(h_, tx_, path.c_str())) throw_errno(path_context("xs_mkdir", path));
}

void XsOps::rm(const std::string& path) const {
  if (!xs_rm(h_, tx_, path.c_str()) && errno != ENOENT) throw_errno(path_context("xs_rm", path));
}

std::vector<std::string> XsOps::directory(const std::string& path) const {
  unsigned int num = 0;
  // One allocation holds the array and the strings.
  CPtr<char*> entries(xs_directory(h_, tx_, path.c_str(), &num));
  if (!entries) {
    if (errno == ENOENT) return {};
    throw_errno(path_context("xs_directory", path));
  }
  std::vector<std::string> out;
  out.reserve(num);
  for (unsigned int i = 0; i < num; ++i) out.emplace_back(entries.get()[i]);
  return out;
}

void XsOps::set_permissions(const std::string& path, const XsPerms& perms) const {
  std::vector<xs_permissions> raw;
  raw.reserve(perms.size());
  for (const XsPerm& p : perms) raw.push_back(xs_permissions{p.domid, to_raw(p.access)});
  if (!xs_set_permissions(h_, tx_, path.c_str(), raw.data(), static_cast<unsigned int>(raw.size())))
    throw_errno(path_context("xs_set_permissions", path));
}

// --- XsHandle ----------------------------------------------------------------------------------------------

XsHandle XsHandle::open() {
  xs_handle* h = xs_open(XS_UNWATCH_FILTER);
  if (h == nullptr) throw_errno("xs_open (is xenstored running?)");
  return XsHandle(h);
}

XsHandle::XsHandle(XsHandle&& other) noexcept : XsOps(std::exchange(other.h_, nullptr), 0) {}

XsHandle& XsHandle::operator=(XsHandle&& other) noexcept {
  if (this != &other) {
    close();
    h_ = std::exchange(other.h_, nullptr);
  }
  return *this;
}

XsHandle::~XsHandle() { close(); }

void XsHandle::close() noexcept {
  if (h_ != nullptr) xs_close(h_);  // returns nothing: nothing to report
  h_ = nullptr;
}

XsTransaction XsHandle::begin() {
  xs_transaction_t t = xs_transaction_start(h_);
  if (t == XBT_NULL) throw_errno("xs_transaction_start");
  return XsTransaction(h_, t);
}

std::string XsHandle::domain_path(DomId domid) {
  CPtr<char> path(xs_get_domain_path(h_, domid));
  if (!path) throw_errno("xs_get_domain_path for domain " + std::to_string(domid));
  return std::string(path.get());
}

void XsHandle::introduce_domain(DomId domid, uint64_t store_mfn, uint32_t store_port) {
  if (!xs_introduce_domain(h_, domid, static_cast<unsigned long>(store_mfn), store_port))
    throw_errno("xs_introduce_domain " + std::to_string(domid) + " (store mfn " + std::to_string(store_mfn) +
                ", port " + std::to_string(store_port) + ")");
}

void XsHandle::release_domain(DomId domid) {
  if (!xs_release_domain(h_, domid)) throw_errno("xs_release_domain " + std::to_string(domid));
}

bool XsHandle::is_domain_introduced(DomId domid) { return xs_is_domain_introduced(h_, domid); }

int XsHandle::fd() {
  int fd = xs_fileno(h_);
  if (fd < 0) throw_errno("xs_fileno");
  return fd;
}

std::optional<XsWatchEvent> XsHandle::next_watch_event() {
  CPtr<char*> vec(xs_check_watch(h_));
  if (!vec) {
    if (errno == EAGAIN) return std::nullopt;
    throw_errno("xs_check_watch");
  }
  return XsWatchEvent{vec.get()[XS_WATCH_PATH], vec.get()[XS_WATCH_TOKEN]};
}

std::optional<XsWatchEvent> XsHandle::wait_watch_event(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto ev = next_watch_event()) return ev;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) throw_errno("poll on the xenstore fd");
  }
}

// --- XsTransaction -----------------------------------------------------------------------------------------

XsTransaction::XsTransaction(XsTransaction&& other) noexcept
    : XsOps(other.h_, other.tx_), open_(std::exchange(other.open_, false)) {}

XsTransaction::~XsTransaction() { abort(); }

bool XsTransaction::commit() {
  if (!open_) throw Error("xenstore transaction committed twice");
  open_ = false;
  if (xs_transaction_end(h_, tx_, false)) return true;
  if (errno == EAGAIN) return false;
  throw_errno("xs_transaction_end (commit)");
}

void XsTransaction::abort() noexcept {
  if (!open_) return;
  open_ = false;
  if (!xs_transaction_end(h_, tx_, true)) {
    log_warning(std::string("xs_transaction_end (abort): ") + std::strerror(errno));
  }
}

// --- XsWatch -----------------------------------------------------------------------------------------------

XsWatch::XsWatch(XsHandle& xs, std::string path, std::string token)
    : path_(std::move(path)), token_(std::move(token)) {
  if (!xs_watch(xs.raw(), path_.c_str(), token_.c_str()))
    throw_errno("xs_watch " + runz::quoted(path_) + " token " + runz::quoted(token_));
  h_ = xs.raw();
}

XsWatch::XsWatch(XsWatch&& other) noexcept
    : h_(std::exchange(other.h_, nullptr)), path_(std::move(other.path_)), token_(std::move(other.token_)) {}

XsWatch& XsWatch::operator=(XsWatch&& other) noexcept {
  if (this != &other) {
    reset();
    h_ = std::exchange(other.h_, nullptr);
    path_ = std::move(other.path_);
    token_ = std::move(other.token_);
  }
  return *this;
}

XsWatch::~XsWatch() { reset(); }

void XsWatch::reset() noexcept {
  if (h_ == nullptr) return;
  if (!xs_unwatch(h_, path_.c_str(), token_.c_str())) {
    log_warning("xs_unwatch " + runz::quoted(path_) + ": " + std::strerror(errno));
  }
  h_ = nullptr;
}

}  // namespace runz::xen
