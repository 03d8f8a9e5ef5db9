// Test doubles for xen_ports.hpp: xenstore as a map, grant mappings that alias one "guest memory" arena,
// event channels that count notifications. For the unit tests and fuzz/p9_xenstore_fuzz.cpp (so no doctest
// here).
#pragma once

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "xen/p9/ring.hpp"
#include "xen/p9/xen_ports.hpp"

namespace runz::p9::test {

class FakeXenstore : public Xenstore {
 public:
  std::optional<std::string> read(const std::string& path) override {
    auto it = nodes.find(path);
    if (it == nodes.end()) return std::nullopt;
    return it->second;
  }
  void write(const std::string& path, const std::string& value) override { nodes[path] = value; }
  void watch(const std::string& path, const std::string& token) override { watches.insert(path + "|" + token); }
  void unwatch(const std::string& path, const std::string& token) noexcept override {
    watches.erase(path + "|" + token);
  }
  std::map<std::string, std::string> nodes;
  std::set<std::string> watches;
};

// Guest memory: page N of the arena is grant ref N. A mapping must name consecutive refs (the fake maps
// by aliasing), which is how the fake frontend below grants them.
class FakeGrants : public GrantMapper {
 public:
  explicit FakeGrants(size_t pages) : arena(pages * kXenPageBytes) {}
  class Mapping : public GrantMapping {
   public:
    Mapping(FakeGrants& g, uint8_t* p, size_t n) : g_(g), p_(p), n_(n) { ++g_.live; }
    ~Mapping() override { --g_.live; }
    uint8_t* data() const noexcept override { return p_; }
    size_t bytes() const noexcept override { return n_; }

   private:
    FakeGrants& g_;
    uint8_t* p_;
    size_t n_;
  };
  std::unique_ptr<GrantMapping> map(uint32_t, std::span<const uint32_t> refs) override {
    if (refs.empty()) throw Error("no refs", EINVAL);
    for (size_t i = 0; i < refs.size(); ++i) {
      if (refs[i] != refs[0] + i || (size_t{refs[i]} + 1) * kXenPageBytes > arena.size()) {
        throw Error("bad grant ref", EINVAL);
      }
    }
    return std::make_unique<Mapping>(*this, page(refs[0]), refs.size() * kXenPageBytes);
  }
  uint8_t* page(uint32_t ref) { return arena.data() + size_t{ref} * kXenPageBytes; }
  std::vector<uint8_t> arena;
  int live = 0;
};

class FakeEvtchn : public EventChannels {
 public:
  class Port : public BoundPort {
   public:
    Port(FakeEvtchn& e, uint32_t local) : e_(e), local_(local) { ++e_.live; }
    ~Port() override { --e_.live; }
    uint32_t local_port() const noexcept override { return local_; }
    void notify() override { ++e_.notifications[local_]; }

   private:
    FakeEvtchn& e_;
    uint32_t local_;
  };
  std::unique_ptr<BoundPort> bind(uint32_t, uint32_t remote) override {
    if (remote == 0) throw Error("bad port", EINVAL);
    return std::make_unique<Port>(*this, remote + 100);
  }
  int live = 0;
  std::map<uint32_t, int> notifications;
};

// The guest side of one ring in the fake arena: interface page `intf_ref`, data pages right after it.
struct FakeFrontendRing {
  FakeGrants& g;
  uint32_t intf_ref;
  uint32_t order;
  void init() {
    uint8_t* intf = g.page(intf_ref);
    std::memset(intf, 0, kXenPageBytes);
    std::memcpy(intf + kIntfRingOrder, &order, 4);
    for (uint32_t i = 0; i < (1u << order); ++i) {
      const uint32_t ref = intf_ref + 1 + i;
      std::memcpy(intf + kIntfRefs + 4 * i, &ref, 4);
    }
  }
  uint32_t size() const { return ring_bytes_for_order(order); }
  uint32_t get(size_t off) {
    uint32_t v;
    std::memcpy(&v, g.page(intf_ref) + off, 4);
    return v;
  }
  void set(size_t off, uint32_t v) { std::memcpy(g.page(intf_ref) + off, &v, 4); }
  uint8_t* in() { return g.page(intf_ref + 1); }
  uint8_t* out() { return g.page(intf_ref + 1) + size(); }
  void send(const std::vector<uint8_t>& msg) {
    uint32_t prod = get(kIntfOutProd);
    for (uint8_t b : msg) out()[prod++ & (size() - 1)] = b;
    set(kIntfOutProd, prod);
  }
  std::vector<uint8_t> receive() {
    uint32_t cons = get(kIntfInCons);
    const uint32_t prod = get(kIntfInProd);
    std::vector<uint8_t> got;
    while (cons != prod) got.push_back(in()[cons++ & (size() - 1)]);
    set(kIntfInCons, cons);
    return got;
  }
};

// What a frontend writes under its directory `fe` once it granted rings at interface pages `ring_refs`,
// before it goes Initialised: version 1, num-rings, ring-ref<N> and event-channel-<N> (first_port + N).
inline void write_frontend_nodes(FakeXenstore& xs, const std::string& fe, const std::vector<uint32_t>& ring_refs,
                                 uint32_t first_port) {
  xs.nodes[fe + "/version"] = "1";
  xs.nodes[fe + "/num-rings"] = std::to_string(ring_refs.size());
  for (size_t i = 0; i < ring_refs.size(); ++i) {
    xs.nodes[fe + "/ring-ref" + std::to_string(i)] = std::to_string(ring_refs[i]);
    xs.nodes[fe + "/event-channel-" + std::to_string(i)] = std::to_string(first_port + i);
  }
}

}  // namespace runz::p9::test
