// Open files: Tlopen, Tlcreate, Tread, Twrite, Treaddir, Tfsync.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "xen/p9/mode_policy.hpp"
#include "xen/p9/node_ops.hpp"
#include "xen/p9/op_error.hpp"
#include "xen/p9/server.hpp"

namespace runz::p9 {

namespace {
// Linux open flags for a guest's Tlopen/Tlcreate flags: access mode and the data-semantics flags only;
// everything about path resolution is ours to choose.
int host_open_flags(uint32_t dotl) {
  int flags = 0;
  switch (dotl & kDotlAccmode) {
    case 0: flags = O_RDONLY; break;
    case kDotlWronly: flags = O_WRONLY; break;
    case kDotlRdwr: flags = O_RDWR; break;
    default: throw OpError{EINVAL};
  }
  if ((dotl & kDotlTrunc) != 0) flags |= O_TRUNC;
  if ((dotl & kDotlAppend) != 0) flags |= O_APPEND;
  if ((dotl & kDotlDsync) != 0) flags |= O_DSYNC;
  if ((dotl & kDotlSync) == kDotlSync) flags |= O_SYNC;
  return flags;
}

bool writes(int flags) { return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0; }

constexpr size_t kDirentBufferBytes = 32 * 1024;
}  // namespace

void Server::do_lopen(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const uint32_t dotl = r.u32();
  r.finish();
  Fid& f = fids_.get(fid);
  if (f.opened) throw OpError{EBADF};
  const int flags = host_open_flags(dotl);
  if (writes(flags)) require_writable();
  if (f.synthetic_root) {
    if (writes(flags)) throw OpError{EISDIR};
    f.opened = true;
  } else {
    const struct stat st = stat_node(f.node.get());
    if (S_ISDIR(st.st_mode)) {
      if (writes(flags)) throw OpError{EISDIR};
      f.open = reopen_node(f.node.get(), O_RDONLY | O_DIRECTORY);
    } else if (S_ISREG(st.st_mode)) {
      if (writes(flags)) drop_setid_for_write(f.node.get(), st);  // mode_policy.hpp
      f.open = reopen_node(f.node.get(), flags);
      f.writable = (flags & O_ACCMODE) != O_RDONLY;
    } else if (S_ISLNK(st.st_mode)) {
      throw OpError{ELOOP};
    } else {
      throw OpError{EPERM};  // device nodes, fifos and sockets are never opened on the host
    }
    f.opened = true;
  }
  w.qid(qid_of(f));
  w.u32(0);  // iounit: msize - 24
}

void Server::do_lcreate(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const std::string name = r.entry_name();
  const uint32_t dotl = r.u32();
  const uint32_t mode = r.u32();
  const uint32_t gid = r.u32();
  r.finish();
  require_writable();
  Fid& d = dir_for_names(fid);
  if (d.opened) throw OpError{EBADF};
  const int flags = host_open_flags(dotl);
  Fid f;
  f.path = d.path;
  f.path.push_back(name);
  f.uid = d.uid;
  fids_.check_path_room(fid, f.path);  // before the file exists: the fid must be able to stand for it
  // Always O_EXCL: the guest only creates names it found missing, and an existing entry might be a
  // device node or fifo that must never be opened here. No set-id bits (mode_policy.hpp).
  UniqueFd open(openat_beneath(d.node.get(), name.c_str(), flags | O_CREAT | O_EXCL, permitted_mode(mode, false)));
  if (!open) throw_op_errno();
  chown_new(d, name, open.get(), d.uid, gid);
  f.node = reopen_node(open.get(), O_PATH);  // the inode we created, not whatever `name` names by now
  f.open = std::move(open);
  f.opened = true;
  f.writable = (flags & O_ACCMODE) != O_RDONLY;
  const Qid q = qid_of(f);
  fids_.replace(fid, std::move(f));  // the fid now stands for the new, open file
  w.qid(q);
  w.u32(0);
}

void Server::do_read(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const uint64_t offset = r.u64();
  uint32_t count = r.u32();
  r.finish();
  Fid& f = fids_.get(fid);
  if (!f.open) throw OpError{EBADF};
  if (offset > static_cast<uint64_t>(INT64_MAX)) throw OpError{EINVAL};
  count = std::min<uint32_t>(count, msize_ - static_cast<uint32_t>(kIoHeaderBytes));
  const size_t count_at = w.reserve_u32();
  uint8_t* buf = w.grow(count);
  const ssize_t n = ::pread(f.open.get(), buf, count, static_cast<off_t>(offset));
  if (n < 0) throw_op_errno();
  w.shrink_to(count_at + 4 + static_cast<size_t>(n));
  w.patch_u32(count_at, static_cast<uint32_t>(n));
}

void Server::do_write(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const uint64_t offset = r.u64();
  const uint32_t count = r.u32();
  const auto data = r.bytes(count);
  r.finish();
  Fid& f = fids_.get(fid);
  require_writable();
  if (!f.open || !f.writable) throw OpError{EBADF};
  if (offset > static_cast<uint64_t>(INT64_MAX)) throw OpError{EINVAL};
  const ssize_t n = ::pwrite(f.open.get(), data.data(), data.size(), static_cast<off_t>(offset));
  if (n < 0) throw_op_errno();
  w.u32(static_cast<uint32_t>(n));
}

void Server::do_readdir(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  const uint64_t offset = r.u64();
  uint32_t count = r.u32();
  r.finish();
  Fid& f = fids_.get(fid);
  if (!f.opened || !f.is_dir) throw OpError{EBADF};
  count = std::min<uint32_t>(count, msize_ - static_cast<uint32_t>(kIoHeaderBytes));
  const size_t count_at = w.reserve_u32();
  const size_t data_start = w.size();
  auto emit = [&](const Qid& q, uint64_t next_offset, uint8_t type, std::string_view name) {
    const size_t need = kQidBytes + 8 + 1 + 2 + name.size();
    if (w.size() - data_start + need > count) return false;
    w.qid(q);
    w.u64(next_offset);
    w.u8(type);
    w.str(name);
    return true;
  };

  if (f.synthetic_root) {
    const struct stat root = stat_of(f);
    const Qid root_qid = qid_of(root);
    const Qid file_qid = qid_of(stat_node(export_.lookup({export_.file_name()}).get()));
    const std::array<std::pair<const char*, Qid>, 3> entries = {
        {{".", root_qid}, {"..", root_qid}, {export_.file_name().c_str(), file_qid}}};
    for (uint64_t i = offset; i < entries.size(); ++i) {
      const uint8_t type = i < 2 ? DT_DIR : DT_REG;
      if (!emit(entries[i].second, i + 1, type, entries[i].first)) break;
    }
  } else {
    const struct stat dir_st = stat_node(f.open.get());
    if (::lseek(f.open.get(), static_cast<off_t>(offset), SEEK_SET) < 0) throw_op_errno();
    std::vector<uint8_t> buf(kDirentBufferBytes);
    bool full = false;
    while (!full) {
      const ssize_t n = ::getdents64(f.open.get(), buf.data(), buf.size());
      if (n < 0) throw_op_errno();
      if (n == 0) break;
      for (size_t pos = 0; pos < static_cast<size_t>(n);) {
        dirent64 ent{};
        // Copy the fixed part out: the buffer carries no alignment promise for our purposes.
        std::memcpy(&ent, buf.data() + pos, std::min(sizeof ent, static_cast<size_t>(n) - pos));
        if (ent.d_reclen == 0 || pos + ent.d_reclen > static_cast<size_t>(n)) throw OpError{EIO};
        const char* name_ptr = reinterpret_cast<const char*>(buf.data() + pos + offsetof(dirent64, d_name));
        const std::string_view name(name_ptr, ::strnlen(name_ptr, ent.d_reclen - offsetof(dirent64, d_name)));
        struct stat est {};
        est.st_ino = ent.d_ino;
        est.st_dev = dir_st.st_dev;
        est.st_mode = ent.d_type == DT_DIR ? S_IFDIR : ent.d_type == DT_LNK ? S_IFLNK : S_IFREG;
        if (!emit(qid_of(est), static_cast<uint64_t>(ent.d_off), ent.d_type, name)) {
          full = true;
          break;
        }
        pos += ent.d_reclen;
      }
    }
  }
  w.patch_u32(count_at, static_cast<uint32_t>(w.size() - data_start));
}

void Server::do_fsync(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  const uint32_t datasync = r.u32();
  r.finish();
  Fid& f = fids_.get(fid);
  if (f.synthetic_root && f.opened) return;
  if (!f.open) throw OpError{EBADF};
  if ((datasync != 0 ? ::fdatasync(f.open.get()) : ::fsync(f.open.get())) != 0) throw_op_errno();
}

}  // namespace runz::p9
