// The zone interface as the runtime names it: the types live one layer down, in src/zone/zone.hpp.
#pragma once

#include "zone/zone.hpp"

namespace runz::runtime {

using zone::ContainerChange;
using zone::ExecStarted;
using zone::HostProcess;
using zone::Zone;
using zone::ZoneConfig;
using zone::ZoneDevice;
using zone::ZoneExit;
using zone::ZoneFactory;
using zone::HostSettings;
using zone::ZoneRecord;
using zone::ZoneStdio;
using zone::ZoneUsage;

}  // namespace runz::runtime
