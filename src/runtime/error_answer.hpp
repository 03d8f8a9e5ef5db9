// An error crossing the monitor's socket (or its ready pipe) as JSON, so the CLI on the other side throws
// an error of the same kind: {"ok":false,"error":"<what()>","kind":"not_found","errno":2}. Without this a
// refusal the monitor raised (a pod container asked to pause, a timed-out exec) would reach runz's log line
// and the shim as kind Unknown.
#pragma once

#include <exception>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/error.hpp"

namespace runz::runtime {

// The answer for a request that failed with `error` ("errno" only when there is one).
nlohmann::json error_answer(const std::exception& error);

// The error an ok=false answer stands for: its message (or `fallback` when it has none), kind and errno.
// A kind this runz does not know, or none (an older monitor), follows from the errno.
Error error_from_answer(const nlohmann::json& answer, std::string_view fallback);

}  // namespace runz::runtime
