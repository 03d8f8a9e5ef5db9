#include "xen/domain_builder.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <type_traits>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "xen/devices/console.hpp"
#include "xen/elapsed.hpp"
#include "xen/log.hpp"
#include "xen/xenguest.hpp"
#include "xen/zone_resources.hpp"

namespace runz::xen {
namespace {

// libxl defaults (libxl_create.c): 1023 event channels; grant and maptrack frames left to the hypervisor
// (gnttab_max_frames / gnttab_max_maptrack_frames, 64 and 1024 by default).
constexpr uint32_t kMaxEvtchnPort = 1023;
constexpr int32_t kHypervisorDefaultFrames = -1;
constexpr DomId kDom0 = 0;

// "domain <id>: <step> <ms> ms", with the duration to a tenth of a millisecond.
void log_step(DomId domid, std::string_view name, std::chrono::steady_clock::time_point start) {
  log_info("domain " + std::to_string(domid) + ": " + std::string(name) + " " + elapsed_ms(start) + " ms");
}

// Runs one named builder step and logs it with its duration; an error gains the step's name as context.
template <class F>
decltype(auto) step(DomId domid, std::string_view name, F&& f) {
  auto start = std::chrono::steady_clock::now();
  if constexpr (std::is_void_v<decltype(f())>) {
    with_context(name, std::forward<F>(f));
    log_step(domid, name, start);
  } else {
    decltype(auto) r = with_context(name, std::forward<F>(f));
    log_step(domid, name, start);
    return r;
  }
}

void check_readable(const std::filesystem::path& path, std::string_view what) {
  if (::access(path.c_str(), R_OK) != 0) throw_errno(std::string(what) + " " + runz::quoted(path.string()));
}

// What libxl writes under /local/domain/<domid> and /vm/<uuid> for a PV guest (libxl__domain_make and
// libxl__build_post), minus what only HVM or libxl's own bookkeeping needs, plus the primary console.
//
// Permissions follow libxl: the domain directory is owned by dom0 and readable by the domain (so the guest
// cannot rename itself or rewrite its console/ or store/ keys); the nodes the guest is meant to write
// (control/shutdown and the feature-* flags, data/, device/suspend/event-channel, ...) are owned by the domain.
void write_xenstore(XsHandle& xs, const DomainBuildConfig& config, const BuiltDomain& built, uint64_t memory_kib) {
  const DomId domid = built.id();
  const XsPerms ro = {{kDom0, XsPerm::Access::none}, {domid, XsPerm::Access::read}};
  const XsPerms rw = {{domid, XsPerm::Access::none}};
  const std::string& d = built.dom_path;
  const std::string& vm = built.vm_path;

  xs_transact(xs, [&](XsTransaction& tx) {
    // The name must be unique among live domains (xl and our own listing go by name).
    for (const std::string& other : tx.directory("/local/domain")) {
      if (other == std::to_string(domid)) continue;
      auto other_name = tx.read("/local/domain/" + other + "/name");
      if (other_name && *other_name == config.name)
        throw Error("domain name " + runz::quoted(config.name) + " is already used by domain " + other, EEXIST);
    }

    // A node created by a write inherits its parent's permissions, so only the two roots and the
    // domain-writable nodes need explicit ones. The uuid is fresh, so /vm/<uuid> cannot exist yet; a stale
    // /local/domain/<domid> from a toolstack that died can, and goes.
    tx.rm(d);
    tx.mknod(d, ro);
    tx.mknod(vm, ro);
    tx.write(vm + "/uuid", built.uuid.to_string());
    tx.write(vm + "/name", config.name);

    tx.write(d + "/vm", vm);
    tx.write(d + "/name", config.name);
    tx.write(d + "/domid", std::to_string(domid));

    for (uint32_t i = 0; i < config.effective_max_vcpus(); ++i)
      tx.write(d + "/cpu/" + std::to_string(i) + "/availability", i < config.vcpus ? "online" : "offline");

    // static-max as libxl: how far the balloon may go (the zone's maximum), target: what it has now
    tx.write(d + "/memory/static-max", std::to_string(uint64_t{config.effective_max_memory_mib()} * 1024));
    tx.write(d + "/memory/target", std::to_string(memory_kib));

    tx.mknod(d + "/device/suspend/event-channel", rw);

    for (const char* node : {"shutdown", "feature-poweroff", "feature-reboot", "feature-suspend", "sysrq"})
      tx.mknod(d + "/control/" + node, rw);
    tx.write(d + "/control/platform-feature-multiprocessor-suspend", "1");
    tx.write(d + "/control/platform-feature-xs_reset_watches", "1");

    for (const char* node : {"data", "drivers", "feature", "attr", "error"}) tx.mknod(d + "/" + node, rw);

    tx.write(d + "/store/port", std::to_string(built.store_port));
    tx.write(d + "/store/ring-ref", std::to_string(built.store_mfn));

    devices::write_console_nodes(tx, devices::ConsoleDevice{domid, built.console_port, built.console_mfn});
  });
}

DomId xenstored_domid(XsHandle& xs) {
  auto value = xs.read("/tool/xenstored/domid");
  if (!value) return kDom0;
  DomId id = 0;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), id);
  if (ec != std::errc() || ptr != value->data() + value->size())
    throw Error("/tool/xenstored/domid is not a domid: " + runz::quoted(*value));
  return id;
}

}  // namespace

void validate(const DomainBuildConfig& config) {
  if (!config.name.starts_with(kDomainNamePrefix) || config.name.size() == kDomainNamePrefix.size())
    throw Error("domain name " + runz::quoted(config.name) + " must start with " + runz::quoted(std::string(kDomainNamePrefix)),
                EINVAL);
  for (char c : config.name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '+';
    if (!ok) throw Error("domain name " + runz::quoted(config.name) + " may only hold [A-Za-z0-9_+.-]", EINVAL);
  }
  check_readable(config.kernel, "kernel");
  if (!config.initrd.empty()) check_readable(config.initrd, "initrd");
  if (config.memory_mib < 32 || config.memory_mib > kMaxZoneMemoryMiB)
    throw Error("memory " + std::to_string(config.memory_mib) + " MiB is out of range [32, " +
                    std::to_string(kMaxZoneMemoryMiB) + "]",
                EINVAL);
  if (config.vcpus < 1 || config.vcpus > kMaxZoneVcpus)
    throw Error("vcpus " + std::to_string(config.vcpus) + " is out of range [1, " + std::to_string(kMaxZoneVcpus) + "]",
                EINVAL);
  if (config.max_vcpus > kMaxZoneVcpus)
    throw Error("max vcpus " + std::to_string(config.max_vcpus) + " is past " + std::to_string(kMaxZoneVcpus), EINVAL);
  if (config.max_memory_mib > kMaxZoneMemoryMiB)
    throw Error("max memory " + std::to_string(config.max_memory_mib) + " MiB is past " +
                    std::to_string(kMaxZoneMemoryMiB) + " MiB",
                EINVAL);
}

BuiltDomain build_domain(XcHandle& xc, XsHandle& xs, const DomainBuildConfig& config,
                         const OnDomainCreated& on_created) {
  validate(config);
  auto total_start = std::chrono::steady_clock::now();

  const HostInfo host = xc.host_info();
  const Uuid uuid = Uuid::random();
  const uint64_t memory_kib = uint64_t{config.memory_mib} * 1024;

  CreateDomainParams params;
  params.handle = uuid;
  params.max_vcpus = config.effective_max_vcpus();
  params.max_evtchn_port = kMaxEvtchnPort;
  params.max_grant_frames = kHypervisorDefaultFrames;
  params.max_maptrack_frames = kHypervisorDefaultFrames;
  params.max_grant_version = host.gnttab_v2 ? 2 : 1;  // as libxl: the highest the hypervisor offers

  const DomId domid = step(0, "xc_domain_create", [&] { return xc.create_domain(params); });
  BuiltDomain built;
  built.domain = OwnedDomain(xc, xs, domid, uuid);
  built.uuid = uuid;
  built.dom_path = "/local/domain/" + std::to_string(domid);
  built.vm_path = vm_path(uuid);
  log_info("domain " + std::to_string(domid) + ": created paused, name " + runz::quoted(config.name) + ", uuid " +
           uuid.to_string() + ", " + std::to_string(config.memory_mib) + " MiB (at most " +
           std::to_string(config.effective_max_memory_mib()) + "), " + std::to_string(config.vcpus) + " vcpu(s) (at most " +
           std::to_string(config.effective_max_vcpus()) + ")");

  return with_context("build domain " + std::to_string(domid), [&] {
    if (on_created) on_created(domid, uuid);
    step(domid, "xc_domain_max_vcpus", [&] { xc.set_max_vcpus(domid, config.effective_max_vcpus()); });
    step(domid, "xc_domain_setmaxmem", [&] { xc.set_max_mem_kib(domid, memory_kib + kMaxmemSlackKiB); });
    step(domid, "xc_domain_set_memmap_limit", [&] { xc.set_memmap_limit_kib(domid, memory_kib); });

    const DomId store_domid = xenstored_domid(xs);
    built.store_port = step(domid, "alloc store evtchn", [&] { return xc.alloc_unbound_evtchn(domid, store_domid); });
    built.console_port = step(domid, "alloc console evtchn", [&] { return xc.alloc_unbound_evtchn(domid, kDom0); });

    {
      DomImage image = step(domid, "xc_dom_allocate", [&] { return DomImage::allocate(xc, config.cmdline); });
      step(domid, "xc_dom_kernel_file", [&] { image.kernel_file(config.kernel); });
      if (!config.initrd.empty()) step(domid, "xc_dom_module_file", [&] { image.module_file(config.initrd); });
      image.set_console(built.console_port, kDom0);
      image.set_xenstore(built.store_port, store_domid);
      image.set_max_vcpus(config.effective_max_vcpus());
      step(domid, "xc_dom_boot_xen_init", [&] { image.boot_xen_init(domid); });
      step(domid, "xc_dom_parse_image", [&] { image.parse_image(); });
      step(domid, "xc_dom_mem_init", [&] { image.mem_init(config.memory_mib); });
      step(domid, "xc_dom_boot_mem_init", [&] { image.boot_mem_init(); });
      step(domid, "xc_dom_build_image", [&] { image.build_image(); });
      step(domid, "xc_dom_boot_image", [&] { image.boot_image(); });
      step(domid, "xc_dom_gnttab_init", [&] { image.gnttab_init(); });
      built.console_mfn = image.console_mfn();
      built.store_mfn = image.xenstore_mfn();
      log_info("domain " + std::to_string(domid) + ": " + image.guest_type() + " kernel loaded; console mfn " +
               std::to_string(built.console_mfn) + " port " + std::to_string(built.console_port) + ", store mfn " +
               std::to_string(built.store_mfn) + " port " + std::to_string(built.store_port));
      step(domid, "xc_dom_release", [&] { DomImage done = std::move(image); });
    }

    step(domid, "write xenstore", [&] { write_xenstore(xs, config, built, memory_kib); });
    step(domid, "xs_introduce_domain",
         [&] { xs.introduce_domain(domid, built.store_mfn, built.store_port); });

    auto total_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - total_start).count();
    log_info("domain " + std::to_string(domid) + ": built in " + std::to_string(total_ms) + " ms (paused)");
    return std::move(built);
  });
}

}  // namespace runz::xen
