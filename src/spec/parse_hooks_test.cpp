#include "spec/names.hpp"
#include "spec/parse.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

TEST_CASE("each hook list lands in its own field, in order") {
  json doc = {{"ociVersion", "1.2.0"}, {"root", {{"path", "r"}}}, {"hooks", json::object()}};
  int n = 0;
  for (auto name : runz::spec::hook_names()) {
    doc["hooks"][std::string(name)] = json::array({{{"path", "/h/" + std::string(name)}, {"timeout", ++n}}});
  }
  auto h = runz::spec::parse_config(doc).hooks;
  CHECK(h.prestart.at(0).path == "/h/prestart");
  CHECK(h.create_runtime.at(0).path == "/h/createRuntime");
  CHECK(h.create_container.at(0).path == "/h/createContainer");
  CHECK(h.start_container.at(0).path == "/h/startContainer");
  CHECK(h.poststart.at(0).path == "/h/poststart");
  CHECK(h.poststop.at(0).timeout == 6);
  CHECK(runz::spec::to_json(runz::spec::parse_config(doc))["hooks"] == doc["hooks"]);
}

TEST_CASE("hooks: wrong types are named") {
  json doc = {{"ociVersion", "1.2.0"}, {"root", {{"path", "r"}}}};
  doc["hooks"] = json::parse(R"({"poststart": [{"path": "/x", "args": "a"}]})");
  CHECK_THROWS_WITH(runz::spec::parse_config(doc), "config.json: hooks.poststart[0].args: must be an array of strings");
  doc["hooks"] = json::parse(R"({"poststart": [{"path": "/x", "timeout": "5"}]})");
  CHECK_THROWS_WITH(runz::spec::parse_config(doc), "config.json: hooks.poststart[0].timeout: must be an integer");
  doc["hooks"] = json::parse(R"({"poststart": {"path": "/x"}})");
  CHECK_THROWS_WITH(runz::spec::parse_config(doc), "config.json: hooks.poststart: must be an array");
  doc["hooks"] = json::parse(R"({"prestart": ["/bin/true"]})");
  CHECK_THROWS_WITH(runz::spec::parse_config(doc), "config.json: hooks.prestart[0]: must be an object");
}
