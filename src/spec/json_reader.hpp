// Internal: a read-only view of one JSON value plus its dotted path, with typed accessors that throw
// ConfigError naming that path. Every section parser reads its input through this, so type errors look
// the same everywhere. Absent keys and JSON null read as "absent" (as Go's encoding/json does for runc).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runz::spec::detail {

class Node {
 public:
  Node(const nlohmann::json& value, std::string path, std::string document = "config.json");

  const nlohmann::json& json() const noexcept { return *value_; }
  const std::string& path() const noexcept { return path_; }
  [[noreturn]] void fail(std::string_view reason) const;

  bool absent() const noexcept { return value_->is_null(); }
  // Child by key (absent when missing); element of an array (the caller checked the size).
  Node operator[](std::string_view key) const;
  Node at(size_t index) const;

  // Type checks. An absent object reads as empty; array_size() of an absent value is 0.
  void require_object() const;
  size_t array_size() const;
  // Calls f(key, Node) for each member of an object (path `x["key"]`).
  template <class F>
  void for_each_member(F&& f) const {
    require_object();
    for (const auto& [key, value] : value_->items()) f(key, Node(value, path_ + "[" + nlohmann::json(key).dump() + "]", document_));
  }

  std::string str() const;
  bool boolean() const;
  uint32_t u32() const;
  uint64_t u64() const;
  int64_t i64() const;
  int32_t i32() const;
  std::vector<std::string> strings() const;          // absent → empty
  std::vector<uint32_t> u32s() const;                // absent → empty
  std::map<std::string, std::string> string_map() const;  // absent → empty; keys non-empty

  // Absent → nullopt, otherwise the typed value.
  std::optional<std::string> opt_str() const;
  std::optional<bool> opt_bool() const;
  std::optional<uint32_t> opt_u32() const;
  std::optional<uint64_t> opt_u64() const;
  std::optional<int64_t> opt_i64() const;
  std::optional<int32_t> opt_i32() const;
  // Absent → the given default.
  std::string str_or(std::string fallback) const { return absent() ? fallback : str(); }
  bool bool_or(bool fallback) const { return absent() ? fallback : boolean(); }

 private:
  const nlohmann::json* value_;
  std::string path_;
  std::string document_;
};

// Helpers shared by the section parsers.
bool is_absolute(std::string_view path);
// Lexically: does the relative path climb out of its base ("..", "a/../..")?
bool escapes_base(std::string_view relative_path);
// An array of "KEY=VALUE" strings (process.env, hooks[].env); absent → empty.
std::vector<std::string> read_env(const Node& node);

}  // namespace runz::spec::detail
