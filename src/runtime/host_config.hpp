// /etc/runz/runz.json: what the host's administrator sets for every zone runz builds here. Optional: a host
// without the file gets runz's defaults. Read by `runz create` (RUNZ_CONFIG names another file, for tests).
//
//   {"zone": {"maxMemoryMiB": 4096, "maxVcpus": 8}, "backend": {"idBase": 1879048192, "maxFids": 8192}}
//
// zone.maxMemoryMiB: how far `runz update` (and a pod's containers) may grow a zone's memory; runz's default
// is the host's memory, and the host's memory stays a limit. zone.maxVcpus: how many vCPUs a zone is built
// with (the ones past what its config asks for stay offline until an update asks for them); default 4.
// Each possible vCPU costs the zone kernel its per-CPU areas, so a higher value costs every zone memory.
// backend.idBase: a zone's 9pfs backend runs as user and group idBase + its domid (zone/zone.hpp,
// backend_user; default 0x70000000); pick a range no other user on the host has. backend.maxFids: the 9P
// fids one device may hold open (default 8192): a zone's files open at once, directories walked included.
#pragma once

#include <filesystem>

#include "runtime/zone.hpp"

namespace runz::runtime {

inline constexpr const char* kHostConfigPath = "/etc/runz/runz.json";

// The file's settings; none set when it does not exist. Throws runz::Error naming the file and the field
// for one that does not parse, has a field of the wrong type or out of range.
HostSettings load_host_config(const std::filesystem::path& path);

// RUNZ_CONFIG when set, else kHostConfigPath.
std::filesystem::path host_config_path();

}  // namespace runz::runtime
