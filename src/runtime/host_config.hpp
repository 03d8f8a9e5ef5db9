// /etc/runz/runz.json: what the host's administrator sets for every zone runz builds here. Optional: a host
// without the file gets runz's defaults. Read by `runz create` (RUNZ_CONFIG names another file, for tests).
//
//   {"zone": {"maxMemoryMiB": 4096, "maxVcpus": 8}}
//
// zone.maxMemoryMiB: how far `runz update` (and a pod's containers) may grow a zone's memory; runz's default
// is the host's memory, and the host's memory stays a limit. zone.maxVcpus: how many vCPUs a zone is built
// with (the ones past what its config asks for stay offline until an update asks for them); default 4.
// Each possible vCPU costs the zone kernel its per-CPU areas, so a higher value costs every zone memory.
#pragma once

#include <filesystem>

#include "runtime/zone.hpp"

namespace runz::runtime {

inline constexpr const char* kHostConfigPath = "/etc/runz/runz.json";

// The file's zone limits; none set when it does not exist. Throws runz::Error naming the file and the field
// for one that does not parse, has a field of the wrong type or out of range.
ZoneLimits load_host_config(const std::filesystem::path& path);

// RUNZ_CONFIG when set, else kHostConfigPath.
std::filesystem::path host_config_path();

}  // namespace runz::runtime
