#include "spec/json_reader.hpp"

#include "spec/error.hpp"

#include "common/error.hpp"

#include <limits>

namespace runz::spec {

namespace {
std::string render(const std::string& document, const std::string& path, const std::string& reason) {
  return path.empty() ? document + ": " + reason : document + ": " + path + ": " + reason;
}
}  // namespace

ConfigError::ConfigError(std::string path, std::string reason, std::string document)
    : Error(render(document, path, reason), ErrorKind::InvalidArgument),  // the document runz was given is wrong
      path_(std::move(path)),
      reason_(std::move(reason)),
      document_(std::move(document)) {}

}  // namespace runz::spec

namespace runz::spec::detail {

namespace {
const nlohmann::json& null_json() {
  static const nlohmann::json kNull;
  return kNull;
}
}  // namespace

Node::Node(const nlohmann::json& value, std::string path, std::string document)
    : value_(&value), path_(std::move(path)), document_(std::move(document)) {}

void Node::fail(std::string_view reason) const { throw ConfigError(path_, std::string(reason), document_); }

Node Node::operator[](std::string_view key) const {
  std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (!value_->is_object()) return Node(null_json(), std::move(child), document_);
  auto it = value_->find(key);
  return Node(it == value_->end() ? null_json() : *it, std::move(child), document_);
}

Node Node::at(size_t index) const {
  return Node((*value_)[index], path_ + "[" + std::to_string(index) + "]", document_);
}

void Node::require_object() const {
  if (!absent() && !value_->is_object()) fail("must be an object");
}

size_t Node::array_size() const {
  if (absent()) return 0;
  if (!value_->is_array()) fail("must be an array");
  return value_->size();
}

std::string Node::str() const {
  if (!value_->is_string()) fail("must be a string");
  return value_->get<std::string>();
}

bool Node::boolean() const {
  if (!value_->is_boolean()) fail("must be a boolean");
  return value_->get<bool>();
}

namespace {
// A non-negative integer, whichever way nlohmann stored it: parsed JSON stores non-negative integers as
// unsigned, but values built in C++ from `int` literals are signed. Floats (even 1.0) are rejected, as Go does.
std::optional<uint64_t> as_unsigned(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  return std::nullopt;
}
}  // namespace

uint64_t Node::u64() const {
  auto v = as_unsigned(*value_);
  if (!v) fail("must be a non-negative integer");
  return *v;
}

uint32_t Node::u32() const {
  auto v = as_unsigned(*value_);
  if (!v || *v > std::numeric_limits<uint32_t>::max()) fail("must be an integer between 0 and 4294967295");
  return static_cast<uint32_t>(*v);
}

int64_t Node::i64() const {
  if (value_->is_number_unsigned()) {
    if (value_->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail("must be a signed 64-bit integer");
    }
    return static_cast<int64_t>(value_->get<uint64_t>());
  }
  if (!value_->is_number_integer()) fail("must be an integer");
  return value_->get<int64_t>();
}

int32_t Node::i32() const {
  if (!value_->is_number_integer()) fail("must be an integer");
  int64_t v = value_->is_number_unsigned() && value_->get<uint64_t>() > std::numeric_limits<int32_t>::max()
                  ? std::numeric_limits<int64_t>::max()
                  : value_->get<int64_t>();
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    fail("must be a signed 32-bit integer");
  }
  return static_cast<int32_t>(v);
}

std::vector<std::string> Node::strings() const {
  if (!absent() && !value_->is_array()) fail("must be an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < array_size(); ++i) out.push_back(at(i).str());
  return out;
}

std::vector<uint32_t> Node::u32s() const {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < array_size(); ++i) out.push_back(at(i).u32());
  return out;
}

std::map<std::string, std::string> Node::string_map() const {
  if (!absent() && !value_->is_object()) fail("must be an object with string values");
  std::map<std::string, std::string> out;
  for_each_member([&](const std::string& key, const Node& value) {
    if (key.empty()) value.fail("key must not be empty");
    out.emplace(key, value.str());
  });
  return out;
}

std::optional<std::string> Node::opt_str() const { return absent() ? std::nullopt : std::optional(str()); }
std::optional<bool> Node::opt_bool() const { return absent() ? std::nullopt : std::optional(boolean()); }
std::optional<uint32_t> Node::opt_u32() const { return absent() ? std::nullopt : std::optional(u32()); }
std::optional<uint64_t> Node::opt_u64() const { return absent() ? std::nullopt : std::optional(u64()); }
std::optional<int64_t> Node::opt_i64() const { return absent() ? std::nullopt : std::optional(i64()); }
std::optional<int32_t> Node::opt_i32() const { return absent() ? std::nullopt : std::optional(i32()); }

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

bool escapes_base(std::string_view relative_path) {
  int depth = 0;
  size_t pos = 0;
  while (pos <= relative_path.size()) {
    size_t end = relative_path.find('/', pos);
    if (end == std::string_view::npos) end = relative_path.size();
    std::string_view part = relative_path.substr(pos, end - pos);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    pos = end + 1;
  }
  return false;
}

std::vector<std::string> read_env(const Node& node) {
  auto env = node.strings();
  for (size_t i = 0; i < env.size(); ++i) {
    auto eq = env[i].find('=');
    if (eq == std::string::npos || eq == 0) node.at(i).fail("must be KEY=VALUE, got " + runz::quoted(env[i]));
  }
  return env;
}

}  // namespace runz::spec::detail
