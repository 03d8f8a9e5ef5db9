// Directory entries: Tmkdir, Tmknod, Tsymlink, Treadlink, Tlink, Trename, Trenameat, Tunlinkat, Tremove.
// Every name is one validated component, used relative to its parent directory's O_PATH descriptor.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "xen/p9/mode_policy.hpp"
#include "xen/p9/node_ops.hpp"
#include "xen/p9/op_error.hpp"
#include "xen/p9/server.hpp"

namespace runz::p9 {

void Server::do_mkdir(Reader& r, Writer& w) {
  const uint32_t dfid = r.u32();
  const std::string name = r.entry_name();
  const uint32_t mode = r.u32();
  const uint32_t gid = r.u32();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  // No set-id bits from the zone (mode_policy.hpp); a set-gid parent still passes S_ISGID on, as on any host.
  if (::mkdirat(d.node.get(), name.c_str(), permitted_mode(mode, true)) != 0) throw_op_errno();
  const UniqueFd node = open_new(d, name);
  chown_new(d, name, node.get(), d.uid, gid);
  w.qid(qid_of(stat_node(node.get())));
}

void Server::do_mknod(Reader& r, Writer& w) {
  const uint32_t dfid = r.u32();
  const std::string name = r.entry_name();
  const uint32_t mode = r.u32();
  (void)r.u32();  // major
  (void)r.u32();  // minor
  const uint32_t gid = r.u32();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  const mode_t type = static_cast<mode_t>(mode) & S_IFMT;
  if (type == S_IFCHR || type == S_IFBLK) throw OpError{EPERM};  // no device nodes, ever
  if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK) throw OpError{EINVAL};
  if (::mknodat(d.node.get(), name.c_str(), type | permitted_mode(mode, false), 0) != 0) throw_op_errno();
  const UniqueFd node = open_new(d, name);
  chown_new(d, name, node.get(), d.uid, gid);
  w.qid(qid_of(stat_node(node.get())));
}

void Server::do_symlink(Reader& r, Writer& w) {
  const uint32_t dfid = r.u32();
  const std::string name = r.entry_name();
  const std::string target = r.str();  // stored verbatim; the host never follows it
  const uint32_t gid = r.u32();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  if (::symlinkat(target.c_str(), d.node.get(), name.c_str()) != 0) throw_op_errno();
  const UniqueFd node = open_new(d, name);
  chown_new(d, name, node.get(), d.uid, gid);
  w.qid(qid_of(stat_node(node.get())));
}

void Server::do_readlink(Reader& r, Writer& w) {
  const uint32_t fid = r.u32();
  r.finish();
  const Fid& f = fids_.get(fid);
  if (f.synthetic_root) throw OpError{EINVAL};
  std::array<char, PATH_MAX> buf{};
  const ssize_t n = ::readlinkat(f.node.get(), "", buf.data(), buf.size());
  if (n < 0) throw_op_errno();
  w.str(std::string_view(buf.data(), static_cast<size_t>(n)));
}

void Server::do_link(Reader& r, Writer&) {
  const uint32_t dfid = r.u32();
  const uint32_t fid = r.u32();
  const std::string name = r.entry_name();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  const Fid& src = fids_.get(fid);
  if (src.synthetic_root || src.is_dir) throw OpError{EPERM};
  if (::linkat(src.node.get(), "", d.node.get(), name.c_str(), AT_EMPTY_PATH) != 0) throw_op_errno();
}

void Server::do_rename(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  const uint32_t dfid = r.u32();
  const std::string name = r.entry_name();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  const Fid& src = fids_.get(fid);
  auto [parent, old_name] = parent_of(src);
  RelPath to = d.path;
  to.push_back(name);
  const RelPath from = src.path;
  fids_.check_rename_room(from, to);
  if (::renameat(parent.get(), old_name.c_str(), d.node.get(), name.c_str()) != 0) throw_op_errno();
  fids_.rename_paths(from, to);
}

void Server::do_renameat(Reader& r, Writer&) {
  const uint32_t olddirfid = r.u32();
  const std::string oldname = r.entry_name();
  const uint32_t newdirfid = r.u32();
  const std::string newname = r.entry_name();
  r.finish();
  require_writable();
  const Fid& od = dir_for_names(olddirfid);
  const Fid& nd = dir_for_names(newdirfid);
  RelPath from = od.path;
  from.push_back(oldname);
  RelPath to = nd.path;
  to.push_back(newname);
  fids_.check_rename_room(from, to);
  if (::renameat(od.node.get(), oldname.c_str(), nd.node.get(), newname.c_str()) != 0) throw_op_errno();
  fids_.rename_paths(from, to);
}

void Server::do_unlinkat(Reader& r, Writer&) {
  const uint32_t dfid = r.u32();
  const std::string name = r.entry_name();
  const uint32_t flags = r.u32();
  r.finish();
  require_writable();
  const Fid& d = dir_for_names(dfid);
  const int host_flags = (flags & kDotlAtRemovedir) != 0 ? AT_REMOVEDIR : 0;
  if (::unlinkat(d.node.get(), name.c_str(), host_flags) != 0) throw_op_errno();
}

void Server::do_remove(Reader& r, Writer&) {
  const uint32_t fid = r.u32();
  r.finish();
  // Tremove clunks the fid whatever the outcome.
  Fid f = std::move(fids_.get(fid));
  fids_.erase(fid);
  require_writable();
  auto [parent, name] = parent_of(f);
  if (::unlinkat(parent.get(), name.c_str(), f.is_dir ? AT_REMOVEDIR : 0) != 0) throw_op_errno();
}

}  // namespace runz::p9
