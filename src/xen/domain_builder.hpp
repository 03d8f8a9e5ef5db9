// Builds a zone's PV domain and boots a kernel + initramfs directly, without libxl: xc_domain_create, limits,
// store and console event channels, the libxenguest xc_dom_* sequence, the xenstore nodes libxl would write
// (the console's by its device unit, devices/console.hpp) and xs_introduce_domain. Every step is logged
// with the domid and its duration. The domain is left PAUSED: the caller adds its other devices, attaches
// the console and unpauses last. Any failure after xc_domain_create tears the domain down again (OwnedDomain).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "xen/domain_lifecycle.hpp"
#include "xen/uuid.hpp"
#include "xen/xc.hpp"
#include "xen/xs.hpp"

namespace runz::xen {

struct DomainBuildConfig {
  std::string name;                 // xenstore name; must start with kDomainNamePrefix and be unique
  std::filesystem::path kernel;     // ELF vmlinux (fast) or bzImage
  std::filesystem::path initrd;     // empty: none
  std::string cmdline;
  uint32_t memory_mib = 192;        // what the guest gets (see zone_resources.hpp for the container's share)
  uint32_t vcpus = 1;               // online at boot
  // How far it may grow live (zone_resources.hpp); 0: not past memory_mib / vcpus. The domain is built
  // with max_vcpus vCPUs, the ones past `vcpus` offline (cpu/N/availability).
  uint32_t max_memory_mib = 0;
  uint32_t max_vcpus = 0;
  uint32_t effective_max_vcpus() const noexcept { return max_vcpus > vcpus ? max_vcpus : vcpus; }
  uint32_t effective_max_memory_mib() const noexcept { return max_memory_mib > memory_mib ? max_memory_mib : memory_mib; }
};

// A built, paused domain and what its host side needs.
struct BuiltDomain {
  OwnedDomain domain;               // destroyed (with its xenstore nodes) unless released
  Uuid uuid;
  std::string dom_path;             // /local/domain/<domid>
  std::string vm_path;              // /vm/<uuid>
  uint32_t console_port = 0;        // the guest's end: bind_interdomain to it
  uint64_t console_mfn = 0;         // foreign-map this to reach the ring
  uint32_t store_port = 0;
  uint64_t store_mfn = 0;
  DomId id() const noexcept { return domain.id(); }
};

// Checks the config without touching Xen (name prefix, files readable, sizes in range); throws runz::Error.
void validate(const DomainBuildConfig& config);

// Called right after xc_domain_create, before anything else is made, so a caller can record the domain
// (domid + uuid) for cleanup after a crash. An exception from it tears the new domain down again.
using OnDomainCreated = std::function<void(DomId, const Uuid&)>;

BuiltDomain build_domain(XcHandle& xc, XsHandle& xs, const DomainBuildConfig& config,
                         const OnDomainCreated& on_created = {});

}  // namespace runz::xen
