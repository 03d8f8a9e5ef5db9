// libFuzzer target: bytes → JSON → parse_config (config.json comes from whoever wrote the bundle), the text
// through load_config's own parser (parse_json_text: every nlohmann error, a syntax error or a number out of
// range like 1E400, becomes a ConfigError naming the field). Expected rejections (ConfigError) are fine;
// anything else escaping, or a sanitizer report, is a bug. A config that parses must also survive to_json
// and parse back to the same value.
#include "spec/json_text.hpp"
#include "spec/parse.hpp"
#include "spec/state.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json document;
  try {
    document = runz::spec::detail::parse_json_text(std::string(reinterpret_cast<const char*>(data), size),
                                                   "config.json");
  } catch (const runz::spec::ConfigError&) {
    return 0;
  }
  try {
    auto config = runz::spec::parse_config(document);
    if (!(runz::spec::parse_config(runz::spec::to_json(config)) == config)) std::abort();
  } catch (const runz::spec::ConfigError&) {
  }
  // The same document as a state.json (runz reads its own, but a damaged one must not crash it).
  try {
    auto state = runz::spec::state_from_json(document);
    if (!(runz::spec::state_from_json(nlohmann::json::parse(runz::spec::to_json(state).dump())) == state)) std::abort();
  } catch (const runz::spec::ConfigError&) {
  }
  return 0;
}
