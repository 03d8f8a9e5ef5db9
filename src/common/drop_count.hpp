// A count of things dropped (a full table, a malformed message from a zone) that says which drops to log:
// the first, then every kLogEvery-th, so a flood costs a few log lines, not one per drop.
#pragma once

#include <cstdint>

namespace runz {

class DropCount {
 public:
  static constexpr uint64_t kLogEvery = 100;

  // Counts one drop; true when this one is to be logged (the log line should say total()).
  bool count() noexcept {
    ++total_;
    return total_ == 1 || total_ % kLogEvery == 0;
  }
  uint64_t total() const noexcept { return total_; }

 private:
  uint64_t total_ = 0;
};

}  // namespace runz
