// libFuzzer target: the 9pfs backend's xenbus handshake (src/xen/p9/xenbus_backend.cpp, device_state.cpp,
// xen_transport.cpp) against a frontend that writes what it likes into its own xenstore directory: `state`,
// `version`, `num-rings`, `ring-ref<N>`, `event-channel-<N>` (any bytes, or none), and into the pages it
// grants. One Device on the unit tests' fakes (src/xen/p9/fake_xen.hpp) per input, starting from an honest
// frontend's nodes and rings; the input is a list of steps (below) that rewrite or remove those nodes, change
// the frontend state and fire its watch, raise events on the device's ports, poke guest memory, queue a
// Tversion, make xenstore reads fail, or shut the device down. Nothing is asserted but the
// sanitizers, leaks and the fakes' own books (every mapping and bound port released with the device).
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/capped_log.hpp"
#include "common/error.hpp"
#include "xen/p9/export.hpp"
#include "xen/p9/fake_xen.hpp"
#include "xen/p9/protocol.hpp"
#include "xen/p9/wire.hpp"
#include "xen/p9/xenbus_backend.hpp"

using namespace runz::p9;
using namespace runz::p9::test;

namespace {

constexpr uint32_t kDomid = 7;
constexpr uint32_t kDevid = 3;
constexpr size_t kArenaPages = 40;   // guest memory: grant ref N is page N (FakeGrants)
constexpr size_t kMaxValueBytes = 48;  // longer than any number parse_xs_u32 takes
constexpr int kMaxSteps = 200;

// The frontend's nodes the backend reads, and a few it must not (ring N >= num-rings, N >= kMaxRings).
const std::vector<std::string>& frontend_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {"state", "version", "num-rings"};
    for (uint32_t i = 0; i <= kMaxRings; ++i) {
      k.push_back("ring-ref" + std::to_string(i));
      k.push_back("event-channel-" + std::to_string(i));
    }
    return k;
  }();
  return keys;
}

// A xenstore whose reads fail (as xs_read does with EACCES or on a dead connection) while `failing` > 0.
class FlakyXenstore : public FakeXenstore {
 public:
  std::optional<std::string> read(const std::string& path) override {
    if (failing > 0) {
      --failing;
      throw runz::Error("xs_read " + path + ": Permission denied", EACCES);
    }
    return FakeXenstore::read(path);
  }
  int failing = 0;
};

struct Input {
  const uint8_t* p;
  size_t left;
  bool empty() const { return left == 0; }
  uint8_t byte() {
    if (left == 0) return 0;
    --left;
    return *p++;
  }
  uint32_t u16() {
    const uint32_t lo = byte();
    return lo | uint32_t{byte()} << 8;
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{byte()} << (8 * i);
    return v;
  }
  std::string bytes(size_t n) {
    n = std::min(n, left);
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    left -= n;
    return s;
  }
};

// The rings an honest frontend granted: interface pages 1 (order 1), 4 (order 2) and 9 (order 3), data pages
// right after each. Its nodes name the first two; the input rewrites any of that.
constexpr std::pair<uint32_t, uint32_t> kRings[] = {{1, 1}, {4, 2}, {9, 3}};

void honest_frontend(FakeGrants& gnt, FakeXenstore& xs, const std::string& fe) {
  for (const auto& [intf_ref, order] : kRings) FakeFrontendRing{gnt, intf_ref, order}.init();
  write_frontend_nodes(xs, fe, {kRings[0].first, kRings[1].first}, 5);
  xs.nodes[fe + "/state"] = runz::xen::devices::xenbus_state_value(XenbusStateInitialising);
}

// A Tversion as the Linux frontend's first request.
std::vector<uint8_t> tversion(uint32_t msize) {
  Writer w(static_cast<uint8_t>(MsgType::kTversion), kNoTag);
  w.u32(msize);
  w.str(kVersion9P2000L);
  return std::move(w).finish();
}

std::string g_export_dir;

void remove_export_dir() {
  std::error_code ec;
  std::filesystem::remove_all(g_export_dir, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // An empty read-only directory to serve: a ring that connects may carry 9P requests.
  std::string tmpl = std::filesystem::temp_directory_path().string() + "/runz-p9-xenstore-fuzz-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  g_export_dir = tmpl;
  std::atexit(remove_export_dir);
  // The device logs every transition and refusal: the first few lines, then nothing (the sanitizers and
  // libFuzzer write to fd 2 directly). RUNZ_FUZZ_LOG=1 keeps all of it (what a corpus reaches).
  const char* log = std::getenv("RUNZ_FUZZ_LOG");
  if (log == nullptr || std::string(log) != "1") runz::cap_stderr(4096, "p9_xenstore_fuzz's device log");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  FlakyXenstore xs;
  FakeGrants gnt{kArenaPages};
  FakeEvtchn evtchn;
  const DeviceConfig cfg{kDomid, kDevid, "rootfs", 0};
  const std::string fe = frontend_path(cfg);
  const auto& keys = frontend_keys();
  honest_frontend(gnt, xs, fe);
  {
    Device dev(cfg, Export::open_directory(g_export_dir, true), xs, gnt, evtchn);
    auto serve = [&](uint32_t port) {
      bool more = true;
      for (int i = 0; i < 4 && more; ++i) dev.on_port(port, &more);
    };
    auto key = [&]() -> std::string { return fe + "/" + keys[in.byte() % keys.size()]; };
    if ((in.byte() & 1) == 0) dev.start();  // else the frontend's watch fires before the backend started
    for (int step = 0; step < kMaxSteps && !in.empty(); ++step) {
      switch (in.byte() % 16) {
        case 0:
        case 1: {  // the frontend writes any bytes into one of its nodes
          const std::string path = key();
          xs.nodes[path] = in.bytes(in.byte() % (kMaxValueBytes + 1));
          break;
        }
        case 2:
        case 3: {  // ... or a decimal number (0-65535): what an honest frontend writes
          const std::string path = key();
          xs.nodes[path] = std::to_string(in.u16());
          break;
        }
        case 4: {  // ... or a number of any size
          const std::string path = key();
          xs.nodes[path] = std::to_string(in.u32());
          break;
        }
        case 5: xs.nodes.erase(key()); break;
        case 6:
        case 7:
        case 8:  // the frontend changes state (0-9: the XenbusStates and one past them), its watch fires
          xs.nodes[fe + "/state"] = std::to_string(in.byte() % 10);
          [[fallthrough]];
        case 9:
        case 10:  // the state watch fires; the rings that connected are served once, as the backend's loop does
          for (uint32_t port : dev.on_frontend_changed()) serve(port);
          break;
        case 11: {  // an event on one of the device's ports, or on a port that is not its own
          const auto ports = dev.local_ports();
          const uint8_t pick = in.byte();
          serve(pick < ports.size() ? ports[pick] : pick);
          break;
        }
        case 12: {  // the guest writes a word anywhere in the memory it grants (ring orders, refs, indexes)
          const uint32_t page = in.byte() % kArenaPages;
          const uint32_t offset = in.u16() % (kXenPageBytes / 4) * 4;
          const uint32_t v = in.u32();
          std::memcpy(gnt.page(page) + offset, &v, 4);
          break;
        }
        case 13: {  // the frontend queues a Tversion on one of the granted rings
          const auto& [intf_ref, order] = kRings[in.byte() % std::size(kRings)];
          FakeFrontendRing{gnt, intf_ref, order}.send(tversion(in.u32()));
          break;
        }
        case 14: xs.failing = 1 + in.byte() % 2; break;
        case 15: dev.shutdown(); break;
      }
    }
    if (in.byte() & 1) dev.shutdown();
  }
  // The device is gone: it must have released every ring it mapped and every port it bound.
  if (gnt.live != 0 || evtchn.live != 0) std::abort();
  return 0;
}
