// ConfigError: a rejected value in a JSON document runz reads (config.json, state.json), naming where it is.
// what() is "<document>: <path>: <reason>", e.g. "config.json: process.rlimits[0].type: unknown rlimit
// `RLIMIT_FOO`". The path is dotted with array indices (`mounts[2].destination`) and map keys in quotes
// (`linux.sysctl["net.ipv4.ip_forward"]`); it is empty for document-level problems such as invalid JSON.
// Its kind is InvalidArgument.
#pragma once

#include "common/error.hpp"

#include <string>

namespace runz::spec {

class ConfigError : public Error {
 public:
  ConfigError(std::string path, std::string reason, std::string document = "config.json");

  const std::string& path() const noexcept { return path_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& document() const noexcept { return document_; }

 private:
  std::string path_;
  std::string reason_;
  std::string document_;
};

}  // namespace runz::spec
