// What every lifecycle operation works with: the state store under --root, the zone factory, the log.
#pragma once

#include <filesystem>

#include "runtime/log.hpp"
#include "runtime/state_store.hpp"
#include "runtime/zone.hpp"

namespace runz::runtime {

struct Runtime {
  StateStore store;
  ZoneFactory& factory;
  Logger log;
  std::filesystem::path zone_dir;  // default kernel + initrd dir (--zone-dir), overridable per container
};

}  // namespace runz::runtime
