#include "runtime/container_load.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <stdexcept>

#include "runtime/process_identity.hpp"
#include "runtime/test_support.hpp"

using namespace runz::runtime;

namespace {

// Answers zone_exists from a set answer and counts the questions; builds nothing.
class FakeFactory final : public ZoneFactory {
 public:
  std::optional<bool> answer;
  mutable int asked = 0;
  mutable std::string asked_uuid;

  void check_host() const override {}
  std::unique_ptr<Zone> create(const ZoneConfig&, ZoneStdio, const std::function<void(const ZoneRecord&)>&) override {
    throw std::logic_error("not in this test");
  }
  void cleanup(const ZoneRecord&) noexcept override {}
  std::optional<bool> zone_exists(const ZoneRecord& record) const noexcept override {
    ++asked;
    asked_uuid = record.uuid;
    return answer;
  }
};

// A container in `status` whose monitor is this test process (alive), with a recorded zone.
void save_container(const StateStore& store, const std::string& id, Status status) {
  store.ensure_root();
  const ContainerLock lock = store.claim(id);
  ContainerRecord record;
  record.id = id;
  record.bundle = "/b";
  record.rootfs = "/b/rootfs";
  record.status = status;
  store.save(record);
  store.save_monitor(id, identify(::getpid()));
  store.save_zone(id, ZoneRecord{7, "uuid-" + id, {}, {}});
}

}  // namespace

TEST_CASE("status is re-derived from facts, not read from state.json") {
  ContainerRecord record;
  record.status = Status::Creating;
  CHECK(derive_status(record, false) == Status::Creating);  // monitor not recorded yet

  record.monitor = HostProcess{123, 456};
  record.status = Status::Running;
  CHECK(derive_status(record, true) == Status::Running);
  CHECK(derive_status(record, false) == Status::Stopped);  // monitor gone (or pid recycled)

  record.status = Status::Paused;
  CHECK(derive_status(record, true) == Status::Paused);

  record.exit = ExitRecord{ZoneExit{143, 15}};
  CHECK(derive_status(record, true) == Status::Stopped);  // exit recorded, monitor still tearing down
}

TEST_CASE("a live monitor is not enough once the zone is known to be gone") {
  ContainerRecord record;
  record.monitor = HostProcess{123, 456};
  for (const Status status : {Status::Created, Status::Running, Status::Paused}) {
    record.status = status;
    CHECK(derive_status(record, true, true) == status);  // paused stays paused
    CHECK(derive_status(record, true, std::nullopt) == status);  // the factory cannot tell
    CHECK(derive_status(record, true, false) == Status::Stopped);
    CHECK(derive_status(record, false, true) == Status::Stopped);  // the monitor decides first
  }
  record.status = Status::Creating;  // the domain may not be built yet
  CHECK(derive_status(record, true, false) == Status::Creating);
}

TEST_CASE("load_container with a factory asks it about the recorded zone") {
  test::TempDir root;
  const StateStore store(root.path / "root");
  FakeFactory factory;

  save_container(store, "c1", Status::Running);
  factory.answer = true;
  CHECK(load_container(store, factory, "c1").status == Status::Running);
  CHECK(factory.asked_uuid == "uuid-c1");
  factory.answer = false;
  CHECK(load_container(store, factory, "c1").status == Status::Stopped);
  factory.answer = std::nullopt;
  CHECK(load_container(store, factory, "c1").status == Status::Running);
  // Without a factory (the lifecycle verbs) only the monitor counts.
  factory.answer = false;
  factory.asked = 0;
  CHECK(load_container(store, "c1").status == Status::Running);
  CHECK(factory.asked == 0);

  save_container(store, "p1", Status::Paused);
  CHECK(load_container(store, factory, "p1").status == Status::Stopped);
  factory.answer = true;
  CHECK(load_container(store, factory, "p1").status == Status::Paused);
}

TEST_CASE("load_container does not ask the factory when the answer cannot matter") {
  test::TempDir root;
  const StateStore store(root.path / "root");
  FakeFactory factory;
  factory.answer = false;

  save_container(store, "dead", Status::Running);
  store.save_monitor("dead", HostProcess{::getpid(), 1});  // a recycled pid: not our monitor
  CHECK(load_container(store, factory, "dead").status == Status::Stopped);

  save_container(store, "exited", Status::Running);
  store.save_exit("exited", ExitRecord{ZoneExit{0, std::nullopt}});
  CHECK(load_container(store, factory, "exited").status == Status::Stopped);

  save_container(store, "new", Status::Creating);
  CHECK(load_container(store, factory, "new").status == Status::Creating);

  save_container(store, "member", Status::Running);  // a pod's further container: no zone of its own
  store.save_zone("member", ZoneRecord{});
  CHECK(load_container(store, factory, "member").status == Status::Running);
  CHECK(factory.asked == 0);
}

TEST_CASE("make_state prints pid 0 once stopped") {
  ContainerRecord record;
  record.id = "c1";
  record.monitor = HostProcess{123, 456};
  CHECK(make_state(record, Status::Running).pid == 123);
  CHECK(make_state(record, Status::Stopped).pid == 0);
}
