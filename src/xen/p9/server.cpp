#include "xen/p9/server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <new>

#include "xen/p9/node_ops.hpp"
#include "xen/p9/op_error.hpp"

namespace runz::p9 {

Server::Server(Export exp, ServerLimits limits)
    : export_(std::move(exp)), limits_(limits), fids_(limits.max_fids, limits.max_fid_path_bytes), msize_(limits.max_msize_bytes) {
  prime_proc_fd_dir();
}

void Server::reset_session(uint32_t max_msize_bytes) noexcept {
  fids_.clear();
  versioned_ = false;
  if (max_msize_bytes != 0) limits_.max_msize_bytes = max_msize_bytes;
  msize_ = limits_.max_msize_bytes;
}

std::vector<uint8_t> Server::handle(std::span<const uint8_t> request) {
  Header h;
  try {
    h = peek_header(request);
  } catch (const DecodeError& e) {
    return make_rlerror(kNoTag, fault_errno(e.fault()));
  }
  try {
    if (h.size != request.size()) throw DecodeError(DecodeFault::kSizeMismatch);
    if (h.size > msize_) throw DecodeError(DecodeFault::kSizeOverMsize);
    const auto type = static_cast<MsgType>(h.type);
    if (!versioned_ && type != MsgType::kTversion) throw OpError{EPROTO};
    Reader r(request.subspan(kHeaderBytes));
    Writer w(reply_type(type), h.tag);
    dispatch(type, r, w);
    auto reply = std::move(w).finish();
    if (reply.size() > msize_) return make_rlerror(h.tag, EMSGSIZE);
    return reply;
  } catch (const DecodeError& e) {
    return make_rlerror(h.tag, fault_errno(e.fault()));
  } catch (const OpError& e) {
    return make_rlerror(h.tag, e.err);
  } catch (const std::bad_alloc&) {
    return make_rlerror(h.tag, ENOMEM);
  } catch (const std::exception&) {
    return make_rlerror(h.tag, EIO);
  }
}

void Server::dispatch(MsgType type, Reader& r, Writer& w) {
  switch (type) {
    case MsgType::kTversion: return do_version(r, w);
    case MsgType::kTattach: return do_attach(r, w);
    case MsgType::kTwalk: return do_walk(r, w);
    case MsgType::kTclunk: return do_clunk(r, w);
    case MsgType::kTflush: return do_flush(r, w);
    case MsgType::kTlopen: return do_lopen(r, w);
    case MsgType::kTlcreate: return do_lcreate(r, w);
    case MsgType::kTread: return do_read(r, w);
    case MsgType::kTwrite: return do_write(r, w);
    case MsgType::kTreaddir: return do_readdir(r, w);
    case MsgType::kTfsync: return do_fsync(r, w);
    case MsgType::kTgetattr: return do_getattr(r, w);
    case MsgType::kTsetattr: return do_setattr(r, w);
    case MsgType::kTstatfs: return do_statfs(r, w);
    case MsgType::kTxattrwalk: return do_xattrwalk(r, w);
    case MsgType::kTxattrcreate: return do_xattrcreate(r, w);
    case MsgType::kTlock: return do_lock(r, w);
    case MsgType::kTgetlock: return do_getlock(r, w);
    case MsgType::kTmkdir: return do_mkdir(r, w);
    case MsgType::kTmknod: return do_mknod(r, w);
    case MsgType::kTsymlink: return do_symlink(r, w);
    case MsgType::kTreadlink: return do_readlink(r, w);
    case MsgType::kTlink: return do_link(r, w);
    case MsgType::kTrename: return do_rename(r, w);
    case MsgType::kTrenameat: return do_renameat(r, w);
    case MsgType::kTunlinkat: return do_unlinkat(r, w);
    case MsgType::kTremove: return do_remove(r, w);
    case MsgType::kTlerror:
    case MsgType::kRlerror:
    case MsgType::kTauth:
      break;
  }
  throw OpError{EOPNOTSUPP};
}

void Server::require_writable() const {
  if (export_.read_only()) throw OpError{EROFS};
}

Fid& Server::dir_for_names(uint32_t fid) {
  Fid& d = fids_.get(fid);
  if (d.synthetic_root) throw OpError{export_.read_only() ? EROFS : EPERM};
  if (!d.is_dir) throw OpError{ENOTDIR};
  return d;
}

Qid Server::qid_of(const struct stat& st) const {
  Qid q;
  if (S_ISDIR(st.st_mode)) {
    q.type = kQtDir;
  } else if (S_ISLNK(st.st_mode)) {
    q.type = kQtSymlink;
  } else {
    q.type = kQtFile;
  }
  q.version = 0;  // no cache coherency promise: the Linux client runs with cache=none
  q.path = static_cast<uint64_t>(st.st_ino);
  if (st.st_dev != export_.root_dev()) {
    // Another filesystem mounted beneath the root: fold its device into the high bits.
    q.path ^= (static_cast<uint64_t>(st.st_dev) * 0x9E3779B97F4A7C15ULL) & 0xFFFF000000000000ULL;
  }
  return q;
}

Qid Server::qid_of(const Fid& f) const { return qid_of(stat_of(f)); }

struct stat Server::stat_of(const Fid& f) const {
  if (!f.synthetic_root) return stat_node(f.node.get());
  UniqueFd file = export_.lookup({export_.file_name()});
  struct stat st = stat_node(file.get());
  st.st_mode = S_IFDIR | 0555;
  st.st_nlink = 2;
  st.st_uid = 0;
  st.st_gid = 0;
  st.st_size = 0;
  st.st_blocks = 0;
  st.st_rdev = 0;
  st.st_ino = static_cast<ino_t>(~static_cast<ino_t>(0));  // never a real inode number
  return st;
}

Fid Server::make_fid(RelPath path, uint32_t uid) const {
  Fid f;
  f.uid = uid;
  if (export_.single_file() && path.empty()) {
    f.synthetic_root = true;
    f.is_dir = true;
  } else {
    f.node = export_.lookup(path);
    f.is_dir = S_ISDIR(stat_node(f.node.get()).st_mode);
  }
  f.path = std::move(path);
  return f;
}

UniqueFd Server::open_new(const Fid& dir, const std::string& name) const {
  UniqueFd node(openat_beneath(dir.node.get(), name.c_str(), O_PATH, 0));
  if (!node) throw_op_errno();
  return node;
}

void Server::chown_new(const Fid& dir, const std::string& name, int node, uint32_t uid, uint32_t gid) const {
  const auto owner = static_cast<uid_t>(uid == kNoUid ? static_cast<uid_t>(-1) : uid);
  const auto group = static_cast<gid_t>(gid == kNoUid ? static_cast<gid_t>(-1) : gid);
  if (::fchownat(node, "", owner, group, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0) return;
  const int err = errno;
  // Undo the create, best effort: only if the name still names what we made (a racing rename may have
  // put something else there, which is not ours to remove). Either way the guest gets the chown's errno.
  struct stat made {};
  struct stat named {};
  if (::fstatat(node, "", &made, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 &&
      ::fstatat(dir.node.get(), name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 && made.st_dev == named.st_dev &&
      made.st_ino == named.st_ino) {
    (void)::unlinkat(dir.node.get(), name.c_str(), S_ISDIR(made.st_mode) ? AT_REMOVEDIR : 0);
  }
  throw OpError{err};
}

std::pair<UniqueFd, std::string> Server::parent_of(const Fid& f) const {
  if (f.synthetic_root || f.path.empty()) throw OpError{EBUSY};  // the root has no name to change
  if (export_.single_file()) throw OpError{export_.read_only() ? EROFS : EPERM};
  RelPath parent(f.path.begin(), f.path.end() - 1);
  return {export_.lookup(parent), f.path.back()};
}

}  // namespace runz::p9
