// The fid table of one 9P session: fid number → what the fid names, with hard limits on its size: the
// number of fids and the bytes their paths hold. Both are the guest's to spend (a walk makes a fid, and a
// fid holds its whole path), so both are bounded per device.
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

// What a fid's path holds in memory, near enough: each component's characters and its std::string.
// A path of 2,000 one-letter components costs ~66 KB though it joins to 4 KB: the count must see that.
size_t path_bytes(const RelPath& path) noexcept;

class FidTable {
 public:
  FidTable(size_t max_fids, size_t max_path_bytes) : max_fids_(max_fids), max_path_bytes_(max_path_bytes) {}

  // The fid, or OpError{EBADF}.
  Fid& get(uint32_t fid);
  bool contains(uint32_t fid) const { return fids_.count(fid) != 0; }
  // Adds `fid`; OpError{EBADF} for P9_NOFID, {EEXIST} if in use, {EMFILE} at the limit, {ENOMEM} when its
  // path would take the table past its path budget.
  Fid& insert(uint32_t fid, Fid value);
  // Replaces (or adds) `fid` (Twalk with newfid == fid, Tlcreate). Same limits as insert.
  Fid& replace(uint32_t fid, Fid value);
  // Removes `fid`; OpError{EBADF} if absent.
  void erase(uint32_t fid);
  void clear() noexcept {
    fids_.clear();
    path_bytes_ = 0;
  }
  size_t size() const noexcept { return fids_.size(); }
  size_t max_fids() const noexcept { return max_fids_; }
  size_t path_bytes_held() const noexcept { return path_bytes_; }
  size_t max_path_bytes() const noexcept { return max_path_bytes_; }

  // OpError{ENOMEM} unless `fid` (new, or replacing its path) with `path` stays within the path budget:
  // for callers that must know before they change the host (Tlcreate creates the file first).
  void check_path_room(uint32_t fid, const RelPath& path) const;
  // OpError{ENOMEM} unless rename_paths(from, to) stays within the path budget (checked before the host
  // rename: a rename to a deeper place would otherwise grow every fid beneath `from` at once).
  void check_rename_room(const RelPath& from, const RelPath& to) const;
  // After `from` was renamed to `to`, every fid at or beneath `from` is moved along.
  void rename_paths(const RelPath& from, const RelPath& to);

 private:
  struct Slot {
    Fid fid;
    size_t path_bytes;  // path_bytes(fid.path) when it was stored; what erase() gives back
  };

  size_t max_fids_;
  size_t max_path_bytes_;
  size_t path_bytes_ = 0;  // the sum of every slot's path_bytes
  std::unordered_map<uint32_t, Slot> fids_;
};

}  // namespace runz::p9
