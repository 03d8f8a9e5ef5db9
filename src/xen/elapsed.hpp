// Durations in the toolstack's log lines: milliseconds to a tenth ("12.3"), as bench/zone-start reads them.
#pragma once

#include <chrono>
#include <string>

namespace runz::xen {

inline std::string elapsed_ms(std::chrono::steady_clock::time_point start) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  return std::to_string(us / 1000) + "." + std::to_string((us % 1000) / 100);
}

}  // namespace runz::xen
