// Attributes: Tgetattr, Tsetattr, Tstatfs, Txattrwalk, Txattrcreate, Tlock, Tgetlock.
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstring>

#include "xen/p9/mode_policy.hpp"
#include "xen/p9/node_ops.hpp"
#include "xen/p9/op_error.hpp"
#include "xen/p9/server.hpp"

namespace runz::p9 {

namespace {
constexpr uint64_t kNanosPerSecond = 1000000000ULL;

struct timespec guest_time(uint64_t sec, uint64_t nsec) {
  if (sec > static_cast<uint64_t>(INT64_MAX) || nsec >= kNanosPerSecond) throw OpError{EINVAL};
  struct timespec ts {};
  ts.tv_sec = static_cast<time_t>(sec);
  ts.tv_nsec = static_cast<long>(nsec);
  return ts;
}
}  // namespace

void Server::do_getattr(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  (void)r.u64();  // request_mask: we always return the basic set
  r.finish();
  const Fid& f = fids_.get(fid);
  const struct stat st = stat_of(f);
  w.u64(kGetattrBasic);
  w.qid(qid_of(st));
  w.u32(st.st_mode);
  w.u32(st.st_uid);
  w.u32(st.st_gid);
  w.u64(st.st_nlink);
  w.u64(st.st_rdev);
  w.u64(static_cast<uint64_t>(st.st_size));
  w.u64(static_cast<uint64_t>(st.st_blksize));
  w.u64(static_cast<uint64_t>(st.st_blocks));
  w.u64(static_cast<uint64_t>(st.st_atim.tv_sec));
  w.u64(static_cast<uint64_t>(st.st_atim.tv_nsec));
  w.u64(static_cast<uint64_t>(st.st_mtim.tv_sec));
  w.u64(static_cast<uint64_t>(st.st_mtim.tv_nsec));
  w.u64(static_cast<uint64_t>(st.st_ctim.tv_sec));
  w.u64(static_cast<uint64_t>(st.st_ctim.tv_nsec));
  w.u64(0);  // btime_sec  (not in the basic set)
  w.u64(0);  // btime_nsec
  w.u64(0);  // gen
  w.u64(0);  // data_version
}

void Server::do_setattr(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  const uint32_t valid = r.u32();
  const uint32_t mode = r.u32();
  const uint32_t uid = r.u32();
  const uint32_t gid = r.u32();
  const uint64_t size = r.u64();
  const uint64_t atime_sec = r.u64();
  const uint64_t atime_nsec = r.u64();
  const uint64_t mtime_sec = r.u64();
  const uint64_t mtime_nsec = r.u64();
  r.finish();
  Fid& f = fids_.get(fid);
  if (valid == 0) return;
  require_writable();
  if (f.synthetic_root) throw OpError{EPERM};
  const struct stat st = stat_node(f.node.get());
  const bool is_link = S_ISLNK(st.st_mode);

  // Owner first (chown clears set-id bits), then mode, size, and times last (truncate moves mtime).
  if ((valid & (kSetattrUid | kSetattrGid)) != 0) {
    const auto owner = (valid & kSetattrUid) != 0 ? static_cast<uid_t>(uid) : static_cast<uid_t>(-1);
    const auto group = (valid & kSetattrGid) != 0 ? static_cast<gid_t>(gid) : static_cast<gid_t>(-1);
    if (::fchownat(f.node.get(), "", owner, group, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) throw_op_errno();
  }
  if ((valid & kSetattrMode) != 0) {
    if (is_link) throw OpError{EOPNOTSUPP};  // symlinks have no mode of their own
    chmod_node(f.node.get(), permitted_mode(mode, S_ISDIR(st.st_mode)));  // no set-id bits: mode_policy.hpp
  }
  if ((valid & kSetattrSize) != 0) {
    if (S_ISDIR(st.st_mode)) throw OpError{EISDIR};
    if (!S_ISREG(st.st_mode)) throw OpError{EINVAL};
    if (size > static_cast<uint64_t>(INT64_MAX)) throw OpError{EFBIG};
    drop_setid_for_write(f.node.get(), stat_node(f.node.get()));  // after a chmod above, its bits count
    UniqueFd reopened;
    int fd = f.open.get();
    if (!f.writable) {
      reopened = reopen_node(f.node.get(), O_WRONLY);
      fd = reopened.get();
    }
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) throw_op_errno();
  }
  if ((valid & (kSetattrAtime | kSetattrMtime)) != 0) {
    struct timespec times[2] = {};
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_nsec = UTIME_OMIT;
    if ((valid & kSetattrAtime) != 0) {
      times[0] = (valid & kSetattrAtimeSet) != 0 ? guest_time(atime_sec, atime_nsec) : timespec{0, UTIME_NOW};
    }
    if ((valid & kSetattrMtime) != 0) {
      times[1] = (valid & kSetattrMtimeSet) != 0 ? guest_time(mtime_sec, mtime_nsec) : timespec{0, UTIME_NOW};
    }
    if (is_link) {
      if (::utimensat(f.node.get(), "", times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) throw_op_errno();
    } else {
      utimens_node(f.node.get(), times);
    }
  }
  // kSetattrCtime alone: every change above already moved ctime.
}

void Server::do_statfs(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  r.finish();
  const Fid& f = fids_.get(fid);
  UniqueFd file;
  int fd = f.node.get();
  if (f.synthetic_root) {
    file = export_.lookup({export_.file_name()});
    fd = file.get();
  }
  struct statfs sf {};
  if (::fstatfs(fd, &sf) != 0) throw_op_errno();
  w.u32(static_cast<uint32_t>(sf.f_type));
  w.u32(static_cast<uint32_t>(sf.f_bsize));
  w.u64(sf.f_blocks);
  w.u64(sf.f_bfree);
  w.u64(sf.f_bavail);
  w.u64(sf.f_files);
  w.u64(sf.f_ffree);
  uint64_t fsid = 0;
  static_assert(sizeof(sf.f_fsid) == 8);
  std::memcpy(&fsid, &sf.f_fsid, sizeof fsid);
  w.u64(fsid);
  w.u32(static_cast<uint32_t>(sf.f_namelen));
}

void Server::do_xattrwalk(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  (void)r.u32();  // newfid
  (void)r.str();  // name
  r.finish();
  (void)fids_.get(fid);
  throw OpError{EOPNOTSUPP};
}

void Server::do_xattrcreate(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  (void)r.str();  // name
  (void)r.u64();  // attr_size
  (void)r.u32();  // flags
  r.finish();
  (void)fids_.get(fid);
  require_writable();
  throw OpError{EOPNOTSUPP};
}

void Server::do_lock(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  (void)r.u8();   // type
  (void)r.u32();  // flags
  (void)r.u64();  // start
  (void)r.u64();  // length
  (void)r.u32();  // proc_id
  (void)r.str();  // client_id
  r.finish();
  (void)fids_.get(fid);
  w.u8(kLockSuccess);  // one guest per export: its kernel arbitrates between its own processes
}

void Server::do_getlock(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  (void)r.u8();  // type
  const uint64_t start = r.u64();
  const uint64_t length = r.u64();
  const uint32_t proc_id = r.u32();
  const std::string client_id = r.str();
  r.finish();
  (void)fids_.get(fid);
  w.u8(kLockTypeUnlck);
  w.u64(start);
  w.u64(length);
  w.u32(proc_id);
  w.str(client_id);
}

}  // namespace runz::p9
