#include "spec/json_reader.hpp"

#include "spec/error.hpp"

#include <doctest/doctest.h>

using nlohmann::json;
using runz::spec::detail::Node;

TEST_CASE("paths: dotted keys, array indices, quoted map keys") {
  json j = json::parse(R"({"a": {"b": [1, {"c": "x"}]}, "m": {"k.1": 2}})");
  Node root(j, "");
  CHECK(root["a"]["b"].at(1)["c"].path() == "a.b[1].c");
  CHECK(root["a"]["b"].at(1)["c"].str() == "x");
  CHECK(Node(j, "linux")["a"].path() == "linux.a");
  CHECK_THROWS_WITH_AS(root["m"].string_map(), "config.json: m[\"k.1\"]: must be a string", runz::spec::ConfigError);
  CHECK_THROWS_WITH_AS(Node(j, "", "state.json")["a"].str(), "state.json: a: must be a string",
                       runz::spec::ConfigError);
}

TEST_CASE("missing keys and null read as absent") {
  json j = json::parse(R"({"n": null, "s": "x"})");
  Node root(j, "");
  CHECK(root["n"].absent());
  CHECK(root["missing"].absent());
  CHECK(root["s"]["deeper"].absent());  // a key of a non-object is absent, not a crash
  CHECK(root["missing"].strings().empty());
  CHECK(root["missing"].str_or("d") == "d");
  CHECK_FALSE(root["n"].opt_u32());
}

TEST_CASE("integer accessors check range and reject floats") {
  json j = json::parse(R"({"neg": -1, "big": 4294967296, "f": 1.0, "max64": 18446744073709551615,
                           "i32max": 2147483647, "i32over": 2147483648, "i32min": -2147483648})");
  Node root(j, "");
  CHECK_THROWS_AS(root["neg"].u32(), runz::spec::ConfigError);
  CHECK_THROWS_AS(root["big"].u32(), runz::spec::ConfigError);
  CHECK(root["big"].u64() == 4294967296u);
  CHECK_THROWS_AS(root["f"].u64(), runz::spec::ConfigError);
  CHECK_THROWS_AS(root["f"].i64(), runz::spec::ConfigError);
  CHECK(root["max64"].u64() == UINT64_MAX);
  CHECK_THROWS_WITH(root["max64"].i64(), "config.json: max64: must be a signed 64-bit integer");
  CHECK(root["neg"].i64() == -1);
  CHECK(root["i32max"].i32() == INT32_MAX);
  CHECK(root["i32min"].i32() == INT32_MIN);
  CHECK_THROWS_WITH(root["i32over"].i32(), "config.json: i32over: must be a signed 32-bit integer");
  CHECK_THROWS_WITH(root["max64"].i32(), "config.json: max64: must be a signed 32-bit integer");
}

TEST_CASE("escapes_base is lexical") {
  using runz::spec::detail::escapes_base;
  CHECK(escapes_base(".."));
  CHECK(escapes_base("../x"));
  CHECK(escapes_base("a/../../x"));
  CHECK(escapes_base("./.."));
  CHECK_FALSE(escapes_base("rootfs"));
  CHECK_FALSE(escapes_base("a/../b"));
  CHECK_FALSE(escapes_base("a//b/./c/.."));
  CHECK_FALSE(escapes_base("..."));
}

TEST_CASE("integers built in C++ (signed storage) read like parsed ones") {
  nlohmann::json j = {{"one", 1}, {"minus", -1}};
  Node root(j, "");
  CHECK(root["one"].u32() == 1u);
  CHECK(root["one"].u64() == 1u);
  CHECK_THROWS_AS(root["minus"].u64(), runz::spec::ConfigError);
}
