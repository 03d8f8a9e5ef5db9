// Container ids, validated as runc validates them, because the id becomes a directory name under --root
// and part of the domain name `runz-<id>`.
#pragma once

#include <string_view>

namespace runz::runtime {

// Allowed: runc's `^[\w+-\.]+$`, i.e. ASCII letters, digits and `_ + , - .` (in Go's regexp `+-\.` is the
// range 0x2B..0x2E, which includes the comma), but never "." or "..". At most kMaxIdBytes bytes, so the id
// stays a valid file name. Throws runz::Error ("invalid id format: `a/b`").
inline constexpr std::size_t kMaxIdBytes = 255;
void validate_container_id(std::string_view id);

}  // namespace runz::runtime
