#include "spec/state.hpp"

#include "spec/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

runz::spec::State sample() {
  runz::spec::State s;
  s.id = "abc";
  s.status = runz::spec::Status::Running;
  s.pid = 4242;
  s.bundle = "/bundles/abc";
  s.rootfs = "/bundles/abc/rootfs";
  s.created = "2024-05-01T12:00:00.123456789Z";
  s.owner = "";
  s.annotations = {{"io.runz.zone-dir", "/opt/zone"}};
  return s;
}

}  // namespace

TEST_CASE("status names round-trip") {
  using runz::spec::Status;
  for (auto s : {Status::Creating, Status::Created, Status::Running, Status::Stopped, Status::Paused}) {
    CHECK(runz::spec::parse_status(runz::spec::to_string(s)) == s);
  }
  CHECK(runz::spec::to_string(Status::Created) == "created");
  CHECK_FALSE(runz::spec::parse_status("Running"));
  CHECK_FALSE(runz::spec::parse_status(""));
}

TEST_CASE("state JSON has runc's keys in runc's order and round-trips") {
  auto s = sample();
  auto j = runz::spec::to_json(s);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner",
                                         "annotations"});
  CHECK(j["status"] == "running");
  CHECK(j["pid"] == 4242);
  CHECK(runz::spec::state_from_json(json::parse(j.dump())) == s);

  s.annotations.clear();
  s.status = runz::spec::Status::Stopped;
  s.pid = 0;
  auto stopped = runz::spec::to_json(s);
  CHECK_FALSE(stopped.contains("annotations"));
  CHECK(runz::spec::state_from_json(json::parse(stopped.dump())) == s);
}

TEST_CASE("state_from_json rejects bad documents naming state.json and the field") {
  struct Case {
    const char* patch;
    const char* message;
  };
  const Case cases[] = {
      {R"({"id": null})", "state.json: id: is required"},
      {R"({"id": ""})", "state.json: id: must not be empty"},
      {R"({"status": "zombie"})", "state.json: status: unknown status `zombie`"},
      {R"({"pid": -1})", "state.json: pid: must not be negative"},
      {R"({"pid": "1"})", "state.json: pid: must be an integer"},
      {R"({"bundle": null})", "state.json: bundle: is required"},
      {R"({"created": "yesterday"})", "state.json: created: must be an RFC 3339 time, got `yesterday`"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.patch);
    json j = json::parse(runz::spec::to_json(sample()).dump());
    j.merge_patch(json::parse(c.patch));
    CHECK_THROWS_WITH_AS(runz::spec::state_from_json(j), c.message, runz::spec::ConfigError);
  }
  // Offsets other than Z are accepted (Go writes them for non-UTC times).
  json j = json::parse(runz::spec::to_json(sample()).dump());
  j["created"] = "2024-05-01T14:00:00+02:00";
  CHECK_NOTHROW(runz::spec::state_from_json(j));
}

TEST_CASE("format_rfc3339_nano matches Go's RFC3339Nano in UTC") {
  using std::chrono::system_clock;
  system_clock::time_point epoch{};
  CHECK(runz::spec::format_rfc3339_nano(epoch) == "1970-01-01T00:00:00Z");
  auto t = epoch + std::chrono::seconds(1714564800) + 123456789ns;
  CHECK(runz::spec::format_rfc3339_nano(t) == "2024-05-01T12:00:00.123456789Z");
  CHECK(runz::spec::format_rfc3339_nano(epoch + 1714564800s + 120ms) == "2024-05-01T12:00:00.12Z");
  CHECK(runz::spec::format_rfc3339_nano(epoch - 1ns) == "1969-12-31T23:59:59.999999999Z");
}
