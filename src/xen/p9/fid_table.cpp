#include "xen/p9/fid_table.hpp"

#include <algorithm>

#include "xen/p9/op_error.hpp"
#include "xen/p9/protocol.hpp"

namespace runz::p9 {

namespace {
bool beneath(const RelPath& path, const RelPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}
}  // namespace

size_t path_bytes(const RelPath& path) noexcept {
  size_t n = 0;
  for (const auto& c : path) n += sizeof(std::string) + c.size();
  return n;
}

Fid& FidTable::get(uint32_t fid) {
  auto it = fids_.find(fid);
  if (it == fids_.end()) throw OpError{EBADF};
  return it->second.fid;
}

void FidTable::check_path_room(uint32_t fid, const RelPath& path) const {
  auto it = fids_.find(fid);
  const size_t released = it == fids_.end() ? 0 : it->second.path_bytes;
  if (path_bytes_ - released + path_bytes(path) > max_path_bytes_) throw OpError{ENOMEM};
}

Fid& FidTable::insert(uint32_t fid, Fid value) {
  if (fid == kNoFid) throw OpError{EBADF};
  if (fids_.count(fid) != 0) throw OpError{EEXIST};
  if (fids_.size() >= max_fids_) throw OpError{EMFILE};
  check_path_room(fid, value.path);
  const size_t bytes = path_bytes(value.path);
  Fid& stored = fids_.emplace(fid, Slot{std::move(value), bytes}).first->second.fid;
  path_bytes_ += bytes;
  return stored;
}

Fid& FidTable::replace(uint32_t fid, Fid value) {
  auto it = fids_.find(fid);
  if (it == fids_.end()) return insert(fid, std::move(value));
  check_path_room(fid, value.path);
  const size_t bytes = path_bytes(value.path);
  path_bytes_ = path_bytes_ - it->second.path_bytes + bytes;
  it->second = Slot{std::move(value), bytes};
  return it->second.fid;
}

void FidTable::erase(uint32_t fid) {
  auto it = fids_.find(fid);
  if (it == fids_.end()) throw OpError{EBADF};
  path_bytes_ -= it->second.path_bytes;
  fids_.erase(it);
}

void FidTable::check_rename_room(const RelPath& from, const RelPath& to) const {
  const size_t from_bytes = path_bytes(from);
  const size_t to_bytes = path_bytes(to);
  if (to_bytes <= from_bytes) return;  // nothing grows
  size_t moved = 0;
  for (const auto& [num, slot] : fids_) moved += beneath(slot.fid.path, from) ? 1 : 0;
  // Each moved fid swaps the `from` prefix for `to`.
  const size_t growth = moved * (to_bytes - from_bytes);
  if (growth > max_path_bytes_ || path_bytes_ + growth > max_path_bytes_) throw OpError{ENOMEM};
}

void FidTable::rename_paths(const RelPath& from, const RelPath& to) {
  for (auto& [num, slot] : fids_) {
    Fid& f = slot.fid;
    if (!beneath(f.path, from)) continue;
    RelPath moved = to;
    moved.insert(moved.end(), f.path.begin() + static_cast<std::ptrdiff_t>(from.size()), f.path.end());
    f.path = std::move(moved);
    const size_t bytes = path_bytes(f.path);
    path_bytes_ = path_bytes_ - slot.path_bytes + bytes;
    slot.path_bytes = bytes;
  }
}

}  // namespace runz::p9
