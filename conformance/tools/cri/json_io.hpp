// crictl-style JSON files in, JSON out: the protobuf JSON mapping, which takes proto field names
// (`log_directory`) or lowerCamelCase, and enums by name or number.
#pragma once

#include <google/protobuf/message.h>

#include <stdexcept>
#include <string>

namespace runz::cri {

// A file runz-cri was given could not be read or parsed.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Fills `message` from the JSON file at `path` (fields it does not know are skipped). InputError names the
// file and what is wrong with it.
void read_json_file(const std::string& path, google::protobuf::Message& message);

// `message` as indented JSON (lowerCamelCase names, enums by name, zero values included), newline-ended.
std::string to_json(const google::protobuf::Message& message);

}  // namespace runz::cri
