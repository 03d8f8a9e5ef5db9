#include "spec/state.hpp"

#include "common/error.hpp"
#include "spec/json_reader.hpp"

#include <array>
#include <ctime>

namespace runz::spec {

namespace {

constexpr std::array<std::string_view, 5> kStatusNames = {"creating", "created", "running", "stopped", "paused"};
constexpr const char* kStateDocument = "state.json";
constexpr int64_t kNanosPerSecond = 1000000000;

// Shape check only: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)".
bool looks_like_rfc3339(std::string_view t) {
  auto digits = [&](size_t from, size_t count) {
    for (size_t i = from; i < from + count; ++i) {
      if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
    }
    return true;
  };
  if (t.size() < 20 || !digits(0, 4) || t[4] != '-' || !digits(5, 2) || t[7] != '-' || !digits(8, 2) ||
      t[10] != 'T' || !digits(11, 2) || t[13] != ':' || !digits(14, 2) || t[16] != ':' || !digits(17, 2)) {
    return false;
  }
  size_t i = 19;
  if (t[i] == '.') {
    size_t start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  std::string_view zone = t.substr(i);
  return zone == "Z" || (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) &&
                         zone[3] == ':' && digits(i + 4, 2));
}

}  // namespace

std::string_view to_string(Status status) { return kStatusNames.at(static_cast<size_t>(status)); }

std::optional<Status> parse_status(std::string_view text) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == text) return static_cast<Status>(i);
  }
  return std::nullopt;
}

nlohmann::ordered_json to_json(const State& s) {
  nlohmann::ordered_json j;
  j["ociVersion"] = s.oci_version;
  j["id"] = s.id;
  j["pid"] = s.pid;
  j["status"] = to_string(s.status);
  j["bundle"] = s.bundle;
  j["rootfs"] = s.rootfs;
  j["created"] = s.created;
  j["owner"] = s.owner;
  if (!s.annotations.empty()) j["annotations"] = s.annotations;
  return j;
}

State state_from_json(const nlohmann::json& document) {
  detail::Node node(document, "", kStateDocument);
  if (!document.is_object()) node.fail("must be a JSON object");
  State s;
  for (const char* key : {"ociVersion", "id", "status", "bundle"}) {
    if (node[key].absent()) node[key].fail("is required");
  }
  s.oci_version = node["ociVersion"].str();
  s.id = node["id"].str();
  if (s.id.empty()) node["id"].fail("must not be empty");
  std::string status = node["status"].str();
  auto parsed = parse_status(status);
  if (!parsed) node["status"].fail("unknown status " + runz::quoted(status));
  s.status = *parsed;
  s.pid = node["pid"].opt_i32().value_or(0);
  if (s.pid < 0) node["pid"].fail("must not be negative");
  s.bundle = node["bundle"].str();
  s.rootfs = node["rootfs"].str_or("");
  s.created = node["created"].str_or("");
  if (!s.created.empty() && !looks_like_rfc3339(s.created)) {
    node["created"].fail("must be an RFC 3339 time, got " + runz::quoted(s.created));
  }
  s.owner = node["owner"].str_or("");
  s.annotations = node["annotations"].string_map();
  return s;
}

std::string format_rfc3339_nano(std::chrono::system_clock::time_point time) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  int64_t seconds = nanos / kNanosPerSecond;
  int64_t fraction = nanos % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 32> date{};
  std::strftime(date.data(), date.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = date.data();
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "Z";
}

}  // namespace runz::spec
