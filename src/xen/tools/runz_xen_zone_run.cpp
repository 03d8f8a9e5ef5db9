// runz-xen-zone-run: runs one container of an OCI bundle in a zone through runz::xen::make_zone_factory(),
// without the runz CLI or monitor: check_host, create, start, wait_exit, teardown. A test tool for the
// XenZoneFactory (src/xen/zone_factory.hpp).
//
//   runz-xen-zone-run --bundle DIR --id ID [--zone-dir DIR] [--state-dir DIR]
//
// The container's stdio is this process's stdin/stdout/stderr. Exit status: the container's (0-255), or
// 125 when the zone could not be created.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "spec/parse.hpp"
#include "xen/log.hpp"
#include "xen/zone_factory.hpp"

namespace {

constexpr int kExitCreateFailed = 125;

runz::UniqueFd dup_fd(int fd) {
  int d = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  return runz::UniqueFd(d);  // invalid (-1) when fd is closed: the zone treats it as /dev/null
}

int run(int argc, char** argv) {
  std::filesystem::path bundle, zone_dir = "/usr/lib/runz/zone", state_dir;
  std::string id;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--bundle") bundle = argv[i + 1];
    else if (a == "--id") id = argv[i + 1];
    else if (a == "--zone-dir") zone_dir = argv[i + 1];
    else if (a == "--state-dir") state_dir = argv[i + 1];
    else throw runz::Error("unknown option " + runz::quoted(a));
  }
  if (bundle.empty() || id.empty()) throw runz::Error("usage: runz-xen-zone-run --bundle DIR --id ID [--zone-dir DIR] [--state-dir DIR]");
  bundle = std::filesystem::absolute(bundle);
  if (state_dir.empty()) state_dir = std::filesystem::temp_directory_path() / ("runz-xen-zone-run-" + id);
  std::filesystem::create_directories(state_dir);

  runz::zone::ZoneConfig cfg;
  cfg.id = id;
  cfg.bundle = bundle;
  cfg.config = runz::spec::load_config(bundle);
  std::filesystem::path root = cfg.config.root.path;
  cfg.rootfs = root.is_absolute() ? root : bundle / root;
  cfg.state_dir = state_dir;
  cfg.zone_dir = zone_dir;

  auto factory = runz::xen::make_zone_factory();
  factory->check_host();
  runz::zone::ZoneStdio stdio{dup_fd(0), dup_fd(1), dup_fd(2)};
  std::unique_ptr<runz::zone::Zone> zone;
  try {
    zone = factory->create(cfg, std::move(stdio), [](const runz::zone::ZoneRecord& r) {
      runz::xen::log_info("record: domid " + std::to_string(r.domid) + " uuid " + r.uuid + " helpers " +
                          std::to_string(r.helpers.size()));
    });
  } catch (const std::exception& e) {
    runz::xen::log_error(std::string("runz-xen-zone-run: create: ") + e.what());
    return kExitCreateFailed;
  }
  runz::xen::log_info("runz-xen-zone-run: created; starting");
  zone->start();
  runz::zone::ZoneExit exit = zone->wait_exit();
  runz::xen::log_info("runz-xen-zone-run: container exited with status " + std::to_string(exit.status));
  zone.reset();  // destroys the zone
  return exit.status & 0xff;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    runz::xen::log_error(std::string("runz-xen-zone-run: ") + e.what());
    return kExitCreateFailed;
  }
}
