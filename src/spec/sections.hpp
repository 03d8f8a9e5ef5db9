// Internal: per-section parsers and serializers, one pair per parse_<section>.cpp.
#pragma once

#include "spec/config.hpp"
#include "spec/json_reader.hpp"

#include <nlohmann/json.hpp>

namespace runz::spec::detail {

Process read_process(const Node& node);
nlohmann::json write_process(const Process& process);

std::vector<Mount> read_mounts(const Node& node);
nlohmann::json write_mounts(const std::vector<Mount>& mounts);

Hooks read_hooks(const Node& node);
nlohmann::json write_hooks(const Hooks& hooks);

Linux read_linux(const Node& node);
nlohmann::json write_linux(const Linux& linux_section);

Resources read_resources(const Node& node);
nlohmann::json write_resources(const Resources& resources);

Seccomp read_seccomp(const Node& node);
nlohmann::json write_seccomp(const Seccomp& seccomp);

}  // namespace runz::spec::detail
