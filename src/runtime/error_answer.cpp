#include "runtime/error_answer.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace runz::runtime {

nlohmann::json error_answer(const std::exception& error) {
  nlohmann::json answer = {{"ok", false}, {"error", error.what()}, {"kind", to_string(error_kind_of(error))}};
  if (const auto* runz_error = dynamic_cast<const Error*>(&error); runz_error && runz_error->code() != 0) {
    answer["errno"] = runz_error->code();
  }
  return answer;
}

Error error_from_answer(const nlohmann::json& answer, std::string_view fallback) {
  const auto text = [&](const char* key) {
    const auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto errno_it = answer.find("errno");
  const int errno_value = errno_it != answer.end() && errno_it->is_number_integer() ? errno_it->get<int>() : 0;
  std::string message = text("error");
  if (message.empty()) message = fallback;
  const auto kind = error_kind_from_string(text("kind"));
  return Error(message, kind.value_or(error_kind_from_errno(errno_value)), errno_value);
}

}  // namespace runz::runtime
