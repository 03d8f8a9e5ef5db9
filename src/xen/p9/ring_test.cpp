// Ring logic on an in-memory fake: the interface page and data pages are test buffers, and a tiny fake
// frontend plays the guest (including a hostile one).
#include "xen/p9/ring.hpp"

#include <doctest/doctest.h>

#include <cstring>

#include "xen/p9/protocol.hpp"
#include "xen/p9/wire.hpp"

using namespace runz::p9;

namespace {
struct FakeRingMemory {
  explicit FakeRingMemory(uint32_t ring_order)
      : order(ring_order), intf(kXenPageBytes), data(2 * ring_bytes_for_order(ring_order)) {
    set(kIntfRingOrder, ring_order);
  }
  uint32_t get(size_t off) const {
    uint32_t v;
    std::memcpy(&v, intf.data() + off, 4);
    return v;
  }
  void set(size_t off, uint32_t v) { std::memcpy(intf.data() + off, &v, 4); }
  uint32_t size() const { return ring_bytes_for_order(order); }
  // Frontend: append bytes to the out ring and move out_prod.
  void produce(const std::vector<uint8_t>& bytes) {
    uint32_t prod = get(kIntfOutProd);
    uint8_t* out = data.data() + size();
    for (uint8_t b : bytes) out[prod++ & (size() - 1)] = b;
    set(kIntfOutProd, prod);
  }
  // Frontend: read everything from the in ring and move in_cons.
  std::vector<uint8_t> consume() {
    uint32_t cons = get(kIntfInCons);
    const uint32_t prod = get(kIntfInProd);
    std::vector<uint8_t> got;
    while (cons != prod) got.push_back(data[cons++ & (size() - 1)]);
    set(kIntfInCons, cons);
    return got;
  }
  uint32_t order;
  std::vector<uint8_t> intf;
  std::vector<uint8_t> data;
};

std::vector<uint8_t> message(uint8_t type, uint16_t tag, size_t body_bytes) {
  Writer w(type, tag);
  for (size_t i = 0; i < body_bytes; ++i) w.u8(static_cast<uint8_t>(i));
  return std::move(w).finish();
}

RingFault fault_of(Ring& ring, uint32_t msize) {
  try {
    (void)ring.next_request(msize);
  } catch (const RingError& e) {
    return e.fault();
  }
  FAIL("no RingError");
  return RingFault::kHeaderTooSmall;
}
}  // namespace

TEST_CASE("requests in, responses out, nothing queued means nothing read") {
  FakeRingMemory mem(1);
  Ring ring(mem.intf.data(), mem.data.data(), 1);
  CHECK(ring.ring_bytes() == 4096);
  CHECK_FALSE(ring.next_request(4096).has_value());
  const auto req = message(100, 1, 20);
  mem.produce(req);
  auto got = ring.next_request(4096);
  REQUIRE(got.has_value());
  CHECK(*got == req);
  CHECK(mem.get(kIntfOutCons) == req.size());
  CHECK_FALSE(ring.next_request(4096).has_value());
  const auto rsp = message(101, 1, 30);
  REQUIRE(ring.can_write(rsp.size()));
  ring.write_response(rsp);
  CHECK(mem.consume() == rsp);
}

TEST_CASE("messages that wrap around the end of the ring, and indexes that wrap uint32") {
  for (uint32_t start : {4096u - 3u, 4096u - 7u, 0xFFFFFFF0u}) {
    CAPTURE(start);
    FakeRingMemory mem(1);
    mem.set(kIntfOutCons, start);
    mem.set(kIntfOutProd, start);
    mem.set(kIntfInCons, start);
    mem.set(kIntfInProd, start);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    for (int i = 0; i < 10; ++i) {
      const auto req = message(110, static_cast<uint16_t>(i), 1000);
      mem.produce(req);
      auto got = ring.next_request(4096);
      REQUIRE(got.has_value());
      CHECK(*got == req);
      const auto rsp = message(111, static_cast<uint16_t>(i), 999);
      REQUIRE(ring.can_write(rsp.size()));
      ring.write_response(rsp);
      CHECK(mem.consume() == rsp);
    }
  }
}

TEST_CASE("the in ring fills up until the frontend consumes") {
  FakeRingMemory mem(1);
  Ring ring(mem.intf.data(), mem.data.data(), 1);
  const auto rsp = message(111, 1, 2000 - kHeaderBytes);
  REQUIRE(ring.can_write(rsp.size()));
  ring.write_response(rsp);
  REQUIRE(ring.can_write(rsp.size()));
  ring.write_response(rsp);
  CHECK_FALSE(ring.can_write(rsp.size()));  // 4000 of 4096 used
  CHECK(ring.can_write(96));
  mem.consume();
  CHECK(ring.can_write(4096));
}

TEST_CASE("a hostile frontend: each violation is a RingError, never a crash") {
  SUBCASE("out_prod moved beyond the ring") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    mem.set(kIntfOutProd, 4097);
    CHECK(fault_of(ring, 4096) == RingFault::kOutIndexesOverrun);
    mem.set(kIntfOutProd, 0xFFFFFFFFu);  // "behind" the consumer
    CHECK(fault_of(ring, 4096) == RingFault::kOutIndexesOverrun);
  }
  SUBCASE("header size below 7") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    mem.produce({3, 0, 0, 0, 100, 0, 0});
    CHECK(fault_of(ring, 4096) == RingFault::kHeaderTooSmall);
  }
  SUBCASE("header size above msize") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    auto big = message(118, 1, 3000);
    mem.produce(big);
    CHECK(fault_of(ring, 2048) == RingFault::kHeaderOverMsize);
  }
  SUBCASE("header claims more than was produced") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    auto m = message(118, 1, 100);
    m.resize(50);  // size field still says 107
    mem.produce(m);
    CHECK(fault_of(ring, 4096) == RingFault::kHeaderPastProd);
  }
  SUBCASE("in_cons moved past what we produced") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    mem.set(kIntfInCons, 100);  // we produced nothing
    try {
      (void)ring.can_write(10);
      FAIL("no RingError");
    } catch (const RingError& e) {
      CHECK(e.fault() == RingFault::kInIndexesOverrun);
    }
  }
  SUBCASE("a partial header is simply not ready yet") {
    FakeRingMemory mem(1);
    Ring ring(mem.intf.data(), mem.data.data(), 1);
    mem.produce({20, 0, 0});
    CHECK_FALSE(ring.next_request(4096).has_value());
  }
}
