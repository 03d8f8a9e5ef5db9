#include "runtime/container_id.hpp"

#include <string>

#include "common/error.hpp"

namespace runz::runtime {
namespace {

bool allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (c >= '+' && c <= '.');
}

}  // namespace

void validate_container_id(std::string_view id) {
  if (id.empty()) throw Error("container id cannot be empty", ErrorKind::InvalidArgument);
  bool valid = id != "." && id != ".." && id.size() <= kMaxIdBytes;
  for (char c : id) valid = valid && allowed_char(c);
  if (!valid) throw Error("invalid id format: " + runz::quoted(id), ErrorKind::InvalidArgument);
}

}  // namespace runz::runtime
