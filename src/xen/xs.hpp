// libxenstore, wrapped: a connection (XsHandle), transactions that abort unless committed (XsTransaction,
// plus xs_transact() that retries on conflict) and watches that are removed with their owner (XsWatch).
// This file and xs.cpp are the only place that calls xs_*.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "xen/xc.hpp"

struct xs_handle;

namespace runz::xen {

// One entry of a node's permission list (xenstore.h semantics): the first entry names the owner (who has
// full access) and the access everybody else gets; later entries grant access to one domain each.
// Dom0 (privileged) always has full access.
struct XsPerm {
  enum class Access : unsigned { none = 0, read = 1, write = 2, both = 3 };
  DomId domid = 0;
  Access access = Access::none;
};
using XsPerms = std::vector<XsPerm>;

// A watch event: the path that changed (or a special path such as "@releaseDomain") and the token.
struct XsWatchEvent {
  std::string path;
  std::string token;
};

// The read/write operations, shared by the handle (outside any transaction) and a transaction.
class XsOps {
 public:
  // nullopt if the node does not exist.
  std::optional<std::string> read(const std::string& path) const;
  void write(const std::string& path, std::string_view value) const;
  void mkdir(const std::string& path) const;
  // Removes the node and its children; a node that does not exist is not an error.
  void rm(const std::string& path) const;
  // Child names; empty if the node does not exist.
  std::vector<std::string> directory(const std::string& path) const;
  void set_permissions(const std::string& path, const XsPerms& perms) const;
  // mkdir + set_permissions.
  void mknod(const std::string& path, const XsPerms& perms) const {
    mkdir(path);
    set_permissions(path, perms);
  }

 protected:
  XsOps(xs_handle* h, uint32_t tx) noexcept : h_(h), tx_(tx) {}
  xs_handle* h_ = nullptr;
  uint32_t tx_ = 0;  // XBT_NULL outside a transaction
};

class XsTransaction;

// An open xenstore connection (xs_open with XS_UNWATCH_FILTER). Move-only; closed in the destructor.
class XsHandle : public XsOps {
 public:
  static XsHandle open();

  XsHandle(XsHandle&& other) noexcept;
  XsHandle& operator=(XsHandle&& other) noexcept;
  XsHandle(const XsHandle&) = delete;
  XsHandle& operator=(const XsHandle&) = delete;
  ~XsHandle();

  XsTransaction begin();

  // "/local/domain/<domid>" as xenstored reports it.
  std::string domain_path(DomId domid);
  // Tells xenstored about the domain's store ring page (mfn for PV) and event channel.
  void introduce_domain(DomId domid, uint64_t store_mfn, uint32_t store_port);
  // Tells xenstored to forget the domain (after it was destroyed).
  void release_domain(DomId domid);
  bool is_domain_introduced(DomId domid);

  // Polls readable when a watch event is pending; then call next_watch_event() until it returns nullopt.
  int fd();
  // A pending watch event, without blocking.
  std::optional<XsWatchEvent> next_watch_event();
  // Waits up to `timeout` for one watch event (poll on fd()); nullopt on timeout.
  std::optional<XsWatchEvent> wait_watch_event(std::chrono::milliseconds timeout);

  xs_handle* raw() const noexcept { return h_; }

 private:
  explicit XsHandle(xs_handle* h) noexcept : XsOps(h, 0) {}
  void close() noexcept;
};

// A transaction: read/write through it, then commit(). Aborted in the destructor unless committed.
class XsTransaction : public XsOps {
 public:
  XsTransaction(XsTransaction&& other) noexcept;
  XsTransaction& operator=(XsTransaction&&) = delete;
  XsTransaction(const XsTransaction&) = delete;
  XsTransaction& operator=(const XsTransaction&) = delete;
  ~XsTransaction();

  // true: committed. false: another writer conflicted (EAGAIN) and the caller should redo the whole
  // transaction. Throws runz::Error on any other failure. Either way the transaction is over.
  bool commit();

 private:
  friend class XsHandle;
  XsTransaction(xs_handle* h, uint32_t tx) noexcept : XsOps(h, tx) {}
  void abort() noexcept;
  bool open_ = true;
};

// How often xs_transact() redoes a transaction that keeps conflicting before giving up.
inline constexpr int kXsTransactionMaxAttempts = 16;

// Runs `body(tx)` in a fresh transaction and commits; on conflict (EAGAIN) runs it again in a new one.
// `body` must only have effects through `tx` (it may run several times).
template <class F>
void xs_transact(XsHandle& xs, F&& body) {
  for (int attempt = 1; attempt <= kXsTransactionMaxAttempts; ++attempt) {
    XsTransaction tx = xs.begin();
    body(tx);
    if (tx.commit()) return;
  }
  throw Error("xenstore transaction: still conflicting after " + std::to_string(kXsTransactionMaxAttempts) +
                  " attempts",
              EAGAIN);
}

// A registered watch; xs_unwatch in the destructor. The XsHandle must outlive it (it may be moved).
class XsWatch {
 public:
  XsWatch() noexcept = default;
  XsWatch(XsHandle& xs, std::string path, std::string token);
  XsWatch(XsWatch&& other) noexcept;
  XsWatch& operator=(XsWatch&& other) noexcept;
  XsWatch(const XsWatch&) = delete;
  XsWatch& operator=(const XsWatch&) = delete;
  ~XsWatch();

  const std::string& path() const noexcept { return path_; }
  const std::string& token() const noexcept { return token_; }

 private:
  void reset() noexcept;
  xs_handle* h_ = nullptr;  // the C handle: stable across moves of the XsHandle object
  std::string path_, token_;
};

}  // namespace runz::xen
