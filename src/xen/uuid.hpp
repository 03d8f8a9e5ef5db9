// A domain's Xen handle: 16 bytes given at xc_domain_create and reported by getdomaininfo. runz gives each
// zone a fresh random (version 4) UUID and records it, because domids get reused: a domid is only "ours"
// while its handle still equals the recorded UUID.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runz::xen {

class Uuid {
 public:
  using Bytes = std::array<uint8_t, 16>;

  Uuid() noexcept = default;  // all zero (the handle of a domain created without one)
  explicit Uuid(const Bytes& bytes) noexcept : bytes_(bytes) {}

  // A random version-4 UUID from getrandom(2); throws runz::Error if the kernel has no entropy source.
  static Uuid random();
  // Parses the canonical 36-character form (either case); nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text);

  const Bytes& bytes() const noexcept { return bytes_; }
  bool is_nil() const noexcept;
  // Canonical lowercase form, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
  std::string to_string() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace runz::xen
