// The runtime-spec features document (`runz features`), see runtime-spec features.md / features-linux.md.
// Fixed at build time, as the spec asks: it says what runz recognizes, not what this host can do.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace runz::spec {

// Default directory of the zone kernel and initrd; also the features annotation `io.runz.zone-dir`.
inline constexpr const char* kDefaultZoneDir = "/usr/lib/runz/zone";
// Config annotation that overrides the zone directory (listed as potentially unsafe: it picks the kernel).
inline constexpr const char* kZoneDirAnnotation = "io.runz.zone-dir";

nlohmann::ordered_json features_json();

}  // namespace runz::spec
