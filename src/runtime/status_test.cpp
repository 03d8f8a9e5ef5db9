#include "runtime/status.hpp"

#include <doctest/doctest.h>

#include <array>

using runz::runtime::allows;
using runz::runtime::require;
using runz::runtime::Status;
using runz::runtime::StatusError;
using runz::runtime::Verb;

namespace {

struct Row {
  Status status;
  bool start, kill, del, pause, resume;
};

// Every status × verb: true = allowed.
constexpr std::array kTable{
    Row{Status::Creating, false, false, false, false, false},
    Row{Status::Created, true, true, true, true, false},
    Row{Status::Running, false, true, false, true, false},
    Row{Status::Paused, false, true, false, false, true},
    Row{Status::Stopped, false, false, true, false, false},
};

}  // namespace

TEST_CASE("status table: every status x verb") {
  for (const Row& row : kTable) {
    CAPTURE(runz::spec::to_string(row.status));
    CHECK(allows(Verb::Start, row.status) == row.start);
    CHECK(allows(Verb::Kill, row.status) == row.kill);
    CHECK(allows(Verb::Delete, row.status) == row.del);
    CHECK(allows(Verb::Pause, row.status) == row.pause);
    CHECK(allows(Verb::Resume, row.status) == row.resume);
    for (Verb verb : {Verb::Start, Verb::Kill, Verb::Delete, Verb::Pause, Verb::Resume}) {
      if (allows(verb, row.status)) {
        CHECK_NOTHROW(require(verb, row.status, "c1"));
      } else {
        CHECK_THROWS_AS(require(verb, row.status, "c1"), StatusError);
      }
    }
  }
}

TEST_CASE("refusals use runc's messages") {
  auto message = [](Verb verb, Status status) {
    try {
      require(verb, status, "c1");
    } catch (const StatusError& e) {
      CHECK(e.verb() == verb);
      CHECK(e.status() == status);
      return std::string(e.what());
    }
    return std::string("(allowed)");
  };
  CHECK(message(Verb::Start, Status::Stopped) == "cannot start a container that has stopped");
  CHECK(message(Verb::Start, Status::Running) == "cannot start an already running container");
  CHECK(message(Verb::Start, Status::Paused) == "cannot start a container in the paused state");
  CHECK(message(Verb::Delete, Status::Running) == "cannot delete container c1 that is not stopped: running");
  CHECK(message(Verb::Kill, Status::Stopped) == "container not running");
  CHECK(message(Verb::Pause, Status::Paused) == "container not running");
  CHECK(message(Verb::Resume, Status::Running) == "container not paused");
}
