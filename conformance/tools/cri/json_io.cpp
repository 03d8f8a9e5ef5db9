#include "json_io.hpp"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace runz::cri {

namespace {

// The parser's message on one line: it can end with an excerpt of the input and a `^` under the fault.
std::string one_line(std::string_view text) {
  std::string line;
  for (char c : text) {
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (!space) {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

void read_json_file(const std::string& path, google::protobuf::Message& message) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("open `" + path + "`: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError("read `" + path + "`: " + std::strerror(errno));

  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &message, options);
  if (!status.ok()) {
    throw InputError("`" + path + "` is not a valid " + message.GetDescriptor()->name() + ": " +
                     one_line({status.message().data(), status.message().size()}));
  }
}

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) throw std::runtime_error("print " + message.GetDescriptor()->name() + ": " + status.ToString());
  if (!json.ends_with('\n')) json += '\n';
  return json;
}

}  // namespace runz::cri
