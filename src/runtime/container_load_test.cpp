#include "runtime/container_load.hpp"

#include <doctest/doctest.h>

using namespace runz::runtime;

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

  record.exit = ExitRecord{ZoneExit{143, 15}, false};
  CHECK(derive_status(record, true) == Status::Stopped);  // exit recorded, monitor still tearing down
}

TEST_CASE("make_state prints pid 0 once stopped") {
  ContainerRecord record;
  record.id = "c1";
  record.monitor = HostProcess{123, 456};
  CHECK(make_state(record, Status::Running).pid == 123);
  CHECK(make_state(record, Status::Stopped).pid == 0);
}
