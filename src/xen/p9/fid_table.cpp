#include "xen/p9/fid_table.hpp"

#include <algorithm>

#include "xen/p9/op_error.hpp"
#include "xen/p9/protocol.hpp"

namespace runz::p9 {

Fid& FidTable::get(uint32_t fid) {
  auto it = fids_.find(fid);
  if (it == fids_.end()) throw OpError{EBADF};
  return it->second;
}

Fid& FidTable::insert(uint32_t fid, Fid value) {
  if (fid == kNoFid) throw OpError{EBADF};
  if (fids_.count(fid) != 0) throw OpError{EEXIST};
  if (fids_.size() >= max_fids_) throw OpError{EMFILE};
  return fids_.emplace(fid, std::move(value)).first->second;
}

Fid& FidTable::replace(uint32_t fid, Fid value) {
  auto it = fids_.find(fid);
  if (it == fids_.end()) return insert(fid, std::move(value));
  it->second = std::move(value);
  return it->second;
}

void FidTable::erase(uint32_t fid) {
  if (fids_.erase(fid) == 0) throw OpError{EBADF};
}

void FidTable::rename_paths(const RelPath& from, const RelPath& to) {
  for (auto& [num, f] : fids_) {
    if (f.path.size() < from.size() || !std::equal(from.begin(), from.end(), f.path.begin())) continue;
    RelPath moved = to;
    moved.insert(moved.end(), f.path.begin() + static_cast<std::ptrdiff_t>(from.size()), f.path.end());
    f.path = std::move(moved);
  }
}

}  // namespace runz::p9
