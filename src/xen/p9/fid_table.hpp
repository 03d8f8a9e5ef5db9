// The fid table of one 9P session: fid number → what the fid names, with a hard limit on its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/fd.hpp"
#include "xen/p9/export.hpp"

namespace runz::p9 {

struct Fid {
  RelPath path;              // components beneath the export root ("" = root)
  UniqueFd node;             // O_PATH | O_NOFOLLOW of the object; invalid for a synthetic root
  UniqueFd open;             // the open file after Tlopen/Tlcreate (directories too)
  uint32_t uid = 0;          // n_uname from Tattach, owner of what this fid creates
  bool synthetic_root = false;
  bool is_dir = false;
  bool opened = false;       // Tlopen/Tlcreate succeeded (synthetic roots open without a descriptor)
  bool writable = false;     // opened for writing
  std::optional<std::vector<uint8_t>> xattr;  // reserved: xattr fids are not supported (ENOTSUP)
};

class FidTable {
 public:
  explicit FidTable(size_t max_fids) : max_fids_(max_fids) {}

  // The fid, or OpError{EBADF}.
  Fid& get(uint32_t fid);
  bool contains(uint32_t fid) const { return fids_.count(fid) != 0; }
  // Adds `fid`; OpError{EBADF} for P9_NOFID, {EEXIST} if in use, {EMFILE} at the limit.
  Fid& insert(uint32_t fid, Fid value);
  // Replaces (or adds) `fid` (Twalk with newfid == fid). Same limits as insert.
  Fid& replace(uint32_t fid, Fid value);
  // Removes `fid`; OpError{EBADF} if absent.
  void erase(uint32_t fid);
  void clear() noexcept { fids_.clear(); }
  size_t size() const noexcept { return fids_.size(); }
  size_t max_fids() const noexcept { return max_fids_; }
  // After `from` was renamed to `to`, every fid at or beneath `from` is moved along.
  void rename_paths(const RelPath& from, const RelPath& to);

 private:
  size_t max_fids_;
  std::unordered_map<uint32_t, Fid> fids_;
};

}  // namespace runz::p9
