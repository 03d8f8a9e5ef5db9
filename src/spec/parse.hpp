// Reading config.json into the typed values of spec/config.hpp, validating as we go, and writing them back.
// Every rejection is a ConfigError (spec/error.hpp) naming the JSON path, e.g.
//   config.json: process.args: must be a non-empty array of strings
// Unknown fields are ignored, as runc does (and are therefore dropped by to_json). JSON null reads as
// "absent". The section parsers work alone: the guest agent receives only the `process` and `linux`
// objects, and their error paths still start with "process." / "linux.".
//
// Deliberate differences from runc, because each container runs in its own Xen zone with its own kernel:
// - `hostname`/`domainname` are accepted without a UTS namespace (the zone's kernel is the container's own).
// - `process.consoleSize` is dropped when `terminal` is false, as the spec says runtimes MUST ignore it.
// - Namespace `path`s are parsed but can't name a host namespace from inside a zone; the runtime decides.
#pragma once

#include "spec/config.hpp"
#include "spec/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>

namespace runz::spec {

// Reads and parses <bundle>/config.json. A missing/unreadable file throws runz::Error with its errno
// ("open `/b/config.json`: No such file or directory"); invalid JSON throws ConfigError with an empty path
// whose reason names the file, line and column.
Config load_config(const std::filesystem::path& bundle);

// Whole document and the sections usable alone (errors carry "process." / "linux." paths).
Config parse_config(const nlohmann::json& document);
Process parse_process(const nlohmann::json& process);
Linux parse_linux(const nlohmann::json& linux_object);
// A LinuxResources document alone (`runz update --resources`; errors carry "resources." paths).
Resources parse_resources(const nlohmann::json& resources);

// Back to OCI JSON. parse_config(to_json(c)) == c for any c that parse_config produced.
nlohmann::json to_json(const Config& config);
nlohmann::json to_json(const Process& process);
nlohmann::json to_json(const Linux& linux_section);
nlohmann::json to_json(const Resources& resources);

// `process` is optional in the spec but `create`/`run` need it: returns it or throws
// ConfigError("process", "is required to create a container").
const Process& require_process(const Config& config);

// The root filesystem's host path: root.path if absolute, else <bundle>/<root.path> (lexically normal).
std::filesystem::path rootfs_path(const Config& config, const std::filesystem::path& bundle);

}  // namespace runz::spec
