// The xenbus handshake and the ring service of one device, against fakes (no Xen here): a fake frontend
// publishes rings in fake guest memory, sends 9P through them, and misbehaves.
#include "xen/p9/xenbus_backend.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "xen/p9/fake_xen.hpp"
#include "xen/p9/test_support.hpp"

using namespace runz::p9;
using namespace runz::p9::test;

namespace {
constexpr uint32_t kDomid = 7;
constexpr uint32_t kOrder = 2;  // 8 KiB per direction: msize 4 KiB, the Linux minimum

struct Rig {
  TempDir dir;
  FakeXenstore xs;
  FakeGrants gnt{64};
  FakeEvtchn evtchn;
  DeviceConfig cfg{kDomid, 3, "rootfs", 0};
  std::unique_ptr<Device> dev;
  FakeFrontendRing ring0{gnt, 10, kOrder};
  FakeFrontendRing ring1{gnt, 20, kOrder};
  std::string fe = frontend_path(cfg);
  std::string be = backend_path(cfg);

  Rig() {
    std::ofstream(dir / "hello") << "hi";
    dev = std::make_unique<Device>(cfg, Export::open_directory(dir.path, false), xs, gnt, evtchn);
  }
  // What the Linux frontend does after it sees InitWait.
  std::vector<uint32_t> publish_frontend(bool init_rings = true) {
    if (init_rings) {
      ring0.init();
      ring1.init();
    }
    write_frontend_nodes(xs, fe, {10, 20}, 5);
    return set_frontend_state(XenbusStateInitialised);
  }
  std::vector<uint32_t> set_frontend_state(XenbusState s) {
    xs.nodes[fe + "/state"] = std::to_string(static_cast<int>(s));
    return dev->on_frontend_changed();
  }
  std::string backend_state() { return xs.nodes[be + "/state"]; }
  Reply roundtrip(FakeFrontendRing& r, uint32_t local_port, const std::vector<uint8_t>& req) {
    r.send(req);
    bool more = false;
    REQUIRE(dev->on_port(local_port, &more));
    return Reply{r.receive()};
  }
};

std::vector<uint8_t> tversion(uint32_t msize) {
  return request(MsgType::kTversion, kNoTag, [&](Writer& w) { w.u32(msize); w.str(kVersion9P2000L); });
}
}  // namespace

TEST_CASE("handshake: InitWait, then Connected once the frontend published its rings") {
  Rig rig;
  rig.dev->start();
  CHECK(rig.backend_state() == "2");  // XenbusStateInitWait
  CHECK(rig.xs.nodes[rig.be + "/versions"] == "1");
  CHECK(rig.xs.nodes[rig.be + "/max-rings"] == std::to_string(kMaxRings));
  CHECK(rig.xs.nodes[rig.be + "/max-ring-page-order"] == std::to_string(kMaxRingPageOrder));
  CHECK(rig.xs.watches.count(rig.fe + "/state|" + rig.dev->watch_token()) == 1);
  // The frontend still Initialising (the watch fires once at registration): nothing happens.
  rig.set_frontend_state(XenbusStateInitialising);
  CHECK(rig.dev->state() == XenbusStateInitWait);
  rig.publish_frontend();
  CHECK(rig.dev->state() == XenbusStateConnected);
  CHECK(rig.backend_state() == "4");
  CHECK(rig.gnt.live == 4);  // two interface pages, two data areas
  CHECK(rig.evtchn.live == 2);
  CHECK(rig.dev->local_ports() == std::vector<uint32_t>{105, 106});
  rig.set_frontend_state(XenbusStateConnected);
  CHECK(rig.dev->state() == XenbusStateConnected);

  SUBCASE("9P over both rings, msize bounded by the ring") {
    auto v = rig.roundtrip(rig.ring0, 105, tversion(1u << 20));
    REQUIRE(v.error() == 0);
    auto vr = v.body();
    CHECK(vr.u32() == ring_bytes_for_order(kOrder) / 2);
    CHECK(rig.evtchn.notifications[105] == 1);
    auto a = rig.roundtrip(rig.ring1, 106, request(MsgType::kTattach, 1, [](Writer& w) {
                             w.u32(0); w.u32(kNoFid); w.str(""); w.str(""); w.u32(0);
                           }));
    CHECK(a.error() == 0);
    auto wk = rig.roundtrip(rig.ring0, 105, request(MsgType::kTwalk, 2, [](Writer& w) {
                              w.u32(0); w.u32(1); w.u16(1); w.str("hello");
                            }));
    CHECK(wk.error() == 0);
    bool more = true;
    CHECK_FALSE(rig.dev->on_port(999, &more));  // not ours
  }
  SUBCASE("many requests queued at once are all answered, in order") {
    rig.roundtrip(rig.ring0, 105, tversion(4096));
    for (uint16_t tag = 0; tag < 20; ++tag) {
      rig.ring0.send(request(MsgType::kTgetattr, tag, [](Writer& w) { w.u32(99); w.u64(kGetattrBasic); }));
      // The in ring fills: each response is 11 bytes, nowhere near; but requests arrive in a burst.
    }
    bool more = false;
    REQUIRE(rig.dev->on_port(105, &more));
    auto bytes = rig.ring0.receive();
    CHECK(bytes.size() == 20 * 11);
  }
  SUBCASE("a protocol violation closes the device and releases everything") {
    rig.ring0.send({3, 0, 0, 0, 100, 0, 0});  // size 3 < header
    bool more = false;
    REQUIRE(rig.dev->on_port(105, &more));
    CHECK(rig.dev->state() == XenbusStateClosed);
    CHECK(rig.backend_state() == "6");
    CHECK(rig.gnt.live == 0);
    CHECK(rig.evtchn.live == 0);
    // Closed is final: a frontend re-initialising gets nothing.
    rig.publish_frontend();
    CHECK(rig.dev->state() == XenbusStateClosed);
    CHECK(rig.gnt.live == 0);
  }
  SUBCASE("out_prod beyond the ring closes the device") {
    rig.ring0.set(kIntfOutProd, 0x7FFFFFFF);
    bool more = false;
    rig.dev->on_port(105, &more);
    CHECK(rig.dev->state() == XenbusStateClosed);
    CHECK(rig.gnt.live == 0);
  }
  SUBCASE("frontend Closing, then Closed") {
    rig.set_frontend_state(XenbusStateClosing);
    CHECK(rig.dev->state() == XenbusStateClosing);
    CHECK(rig.backend_state() == "5");
    CHECK(rig.gnt.live == 0);
    CHECK(rig.evtchn.live == 0);
    rig.set_frontend_state(XenbusStateClosed);
    CHECK(rig.backend_state() == "6");
  }
  SUBCASE("the frontend's directory disappears (domain destroyed)") {
    rig.xs.nodes.erase(rig.fe + "/state");
    rig.dev->on_frontend_changed();
    CHECK(rig.dev->state() == XenbusStateClosed);
    CHECK(rig.gnt.live == 0);
  }
  SUBCASE("shutdown") {
    rig.dev->shutdown();
    CHECK(rig.backend_state() == "6");
    CHECK(rig.gnt.live == 0);
  }
}

TEST_CASE("a request queued before the backend connected is served: connecting names the fresh rings") {
  Rig rig;
  rig.dev->start();
  // The Linux frontend may mount (Tversion) right after it published its rings; its notification went to
  // a port we had not bound yet, so Xen dropped it.
  rig.ring0.init();
  rig.ring1.init();
  rig.ring0.send(tversion(4096));
  const auto fresh = rig.publish_frontend(false);
  CHECK(fresh == std::vector<uint32_t>{105, 106});
  bool more = false;
  REQUIRE(rig.dev->on_port(fresh[0], &more));
  Reply v{rig.ring0.receive()};
  CHECK(v.error() == 0);
  // Once connected, further state changes name nothing.
  CHECK(rig.set_frontend_state(XenbusStateConnected).empty());
}

TEST_CASE("bad frontend parameters refuse the connection: Closed, nothing left mapped") {
  struct Case {
    const char* what;
    std::function<void(Rig&)> spoil;
  };
  const std::vector<Case> cases = {
      {"version 2", [](Rig& r) { r.xs.nodes[r.fe + "/version"] = "2"; }},
      {"no version", [](Rig& r) { r.xs.nodes.erase(r.fe + "/version"); }},
      {"num-rings 0", [](Rig& r) { r.xs.nodes[r.fe + "/num-rings"] = "0"; }},
      {"num-rings too many", [](Rig& r) { r.xs.nodes[r.fe + "/num-rings"] = "9"; }},
      {"num-rings not a number", [](Rig& r) { r.xs.nodes[r.fe + "/num-rings"] = "2x"; }},
      {"ring-ref missing", [](Rig& r) { r.xs.nodes.erase(r.fe + "/ring-ref1"); }},
      {"ring-ref negative", [](Rig& r) { r.xs.nodes[r.fe + "/ring-ref0"] = "-1"; }},
      {"event channel not a number", [](Rig& r) { r.xs.nodes[r.fe + "/event-channel-1"] = ""; }},
      {"event channel refused", [](Rig& r) { r.xs.nodes[r.fe + "/event-channel-1"] = "0"; }},
      {"ring_order 0", [](Rig& r) { r.ring1.set(kIntfRingOrder, 0); }},
      {"ring_order 10", [](Rig& r) { r.ring0.set(kIntfRingOrder, 10); }},
      {"ring_order huge", [](Rig& r) { r.ring0.set(kIntfRingOrder, 0xFFFFFFFF); }},
      {"data refs unmappable", [](Rig& r) { r.ring1.set(kIntfRefs, 5000); }},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Rig rig;
    rig.dev->start();
    rig.ring0.init();
    rig.ring1.init();
    write_frontend_nodes(rig.xs, rig.fe, {10, 20}, 5);
    c.spoil(rig);
    rig.xs.nodes[rig.fe + "/state"] = "3";
    rig.dev->on_frontend_changed();
    CHECK(rig.dev->state() == XenbusStateClosed);
    CHECK(rig.backend_state() == "6");
    CHECK(rig.gnt.live == 0);
    CHECK(rig.evtchn.live == 0);
  }
}

TEST_CASE("guest-writable numbers are parsed strictly") {
  CHECK(parse_xs_u32("0") == 0u);
  CHECK(parse_xs_u32("4294967295") == 4294967295u);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "4294967296", "99999999999", "1.0"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_xs_u32(bad).has_value());
  }
}
