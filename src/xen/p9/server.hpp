// The 9P2000.L server core: one session on one export, transport-agnostic.
//
// handle() takes one complete request (already copied out of the transport into host memory), decodes
// every field of it before acting (wire.hpp; nothing is read past the span), performs it under the
// export's confinement (export.hpp) and returns one reply of at most msize() bytes: the R-message, or
// Rlerror with the errno (EPROTO/EINVAL for a malformed message). It never throws for guest input.
//
// Session rules: Tversion first (only "9P2000.L"; msize ≤ the transport's maximum, ≥ 4096), which also
// resets every fid; Tattach's aname selects nothing (one export per server); a read-only export refuses
// every modifying request with EROFS; device nodes are never created (EPERM) nor opened (EPERM);
// xattrs are not supported (EOPNOTSUPP); locks are always granted (the guest kernel arbitrates its own
// processes; one guest per export). Requests are answered in order, so Tflush has nothing to cancel.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "xen/p9/export.hpp"
#include "xen/p9/fid_table.hpp"
#include "xen/p9/protocol.hpp"
#include "xen/p9/wire.hpp"

namespace runz::p9 {

// The path bytes one device's fids may hold (fid_table.hpp, path_bytes()). A fid holds its whole path and a
// walk clones it, so without a budget 8,192 fids of 2,000-component paths would hold ~510 MiB of dom0
// memory per device. 8 MiB is 1 KiB per fid at the fid limit, several times what a guest's usual fids
// (a dentry a few directories deep) hold; past it Twalk and Tlcreate get ENOMEM until fids are clunked.
constexpr size_t kMaxFidPathBytes = 8 * 1024 * 1024;
// Fids per device unless the host configures another (runz.json backend.maxFids, --max-fids).
constexpr size_t kDefaultMaxFids = 8192;

struct ServerLimits {
  uint32_t max_msize_bytes = 512 * 1024;  // the transport's largest message
  size_t max_fids = kDefaultMaxFids;      // each fid holds up to two host descriptors
  size_t max_fid_path_bytes = kMaxFidPathBytes;
};

class Server {
 public:
  Server(Export exp, ServerLimits limits);

  // One request in, one reply out (size ≤ msize()).
  std::vector<uint8_t> handle(std::span<const uint8_t> request);

  // Ends the session (every fid closed, Tversion needed again); a non-zero `max_msize_bytes` becomes
  // the new transport maximum (the Xen transport learns it when the frontend's rings are mapped).
  void reset_session(uint32_t max_msize_bytes) noexcept;

  // The negotiated msize (the transport maximum before Tversion).
  uint32_t msize() const noexcept { return msize_; }
  bool versioned() const noexcept { return versioned_; }
  size_t fid_count() const noexcept { return fids_.size(); }
  size_t fid_path_bytes() const noexcept { return fids_.path_bytes_held(); }
  const Export& exported() const noexcept { return export_; }

 private:
  void dispatch(MsgType type, Reader& r, Writer& w);

  // server_session.cpp
  void do_version(Reader& r, Writer& w);
  void do_attach(Reader& r, Writer& w);
  void do_walk(Reader& r, Writer& w);
  void do_clunk(Reader& r, Writer& w);
  void do_flush(Reader& r, Writer& w);
  // server_io.cpp
  void do_lopen(Reader& r, Writer& w);
  void do_lcreate(Reader& r, Writer& w);
  void do_read(Reader& r, Writer& w);
  void do_write(Reader& r, Writer& w);
  void do_readdir(Reader& r, Writer& w);
  void do_fsync(Reader& r, Writer& w);
  // server_attr.cpp
  void do_getattr(Reader& r, Writer& w);
  void do_setattr(Reader& r, Writer& w);
  void do_statfs(Reader& r, Writer& w);
  void do_xattrwalk(Reader& r, Writer& w);
  void do_xattrcreate(Reader& r, Writer& w);
  void do_lock(Reader& r, Writer& w);
  void do_getlock(Reader& r, Writer& w);
  // server_names.cpp
  void do_mkdir(Reader& r, Writer& w);
  void do_mknod(Reader& r, Writer& w);
  void do_symlink(Reader& r, Writer& w);
  void do_readlink(Reader& r, Writer& w);
  void do_link(Reader& r, Writer& w);
  void do_rename(Reader& r, Writer& w);
  void do_renameat(Reader& r, Writer& w);
  void do_unlinkat(Reader& r, Writer& w);
  void do_remove(Reader& r, Writer& w);

  // Helpers (server.cpp).
  void require_writable() const;                 // EROFS on a read-only export
  Fid& dir_for_names(uint32_t fid);              // a directory fid whose entries may change
  Qid qid_of(const struct stat& st) const;
  Qid qid_of(const Fid& f) const;
  struct stat stat_of(const Fid& f) const;       // synthetic for a synthetic root
  Fid make_fid(RelPath path, uint32_t uid) const;  // looks the path up; synthetic root when due
  // An O_PATH descriptor of the entry `name` just created in `dir`. Throws OpError.
  UniqueFd open_new(const Fid& dir, const std::string& name) const;
  // Sets the owner of the new entry `name` in `dir`, held as `node` (O_PATH or open; passthrough: the
  // creating fid's uid, the request's gid). By descriptor, so a racing rename of `name` cannot redirect the
  // chown; on failure the entry is removed again if `name` still names that inode. Throws OpError.
  void chown_new(const Fid& dir, const std::string& name, int node, uint32_t uid, uint32_t gid) const;
  // The parent directory (O_PATH) and last component of a non-root fid.
  std::pair<UniqueFd, std::string> parent_of(const Fid& f) const;

  Export export_;
  ServerLimits limits_;
  FidTable fids_;
  uint32_t msize_;
  bool versioned_ = false;
};

}  // namespace runz::p9
