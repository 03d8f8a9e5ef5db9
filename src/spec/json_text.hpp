// Internal: JSON text → document, for files runz is given (config.json). nlohmann's own errors name neither
// the file nor the field ("[json.exception.out_of_range.406] number overflow parsing '1E400'"), so every
// failure here becomes a ConfigError naming both: the document, the field being read when the text went
// wrong (where there is one: `process.user.uid`), and the file's path with nlohmann's reason.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace runz::spec::detail {

// Parses `text`, read from `file`. Throws ConfigError (path: the field, or empty at the document's level).
nlohmann::json parse_json_text(const std::string& text, const std::filesystem::path& file);

}  // namespace runz::spec::detail
