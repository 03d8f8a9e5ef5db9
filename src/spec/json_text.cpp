#include "spec/json_text.hpp"

#include <cstddef>
#include <vector>

#include "common/error.hpp"
#include "spec/error.hpp"

namespace runz::spec::detail {

namespace {

using nlohmann::json;

// Where the parser is: one frame per open object or array, as the dotted path Node uses (json_reader.hpp).
class PathTracker {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: frames_.push_back(Frame{false, {}, false, 0}); break;
      case json::parse_event_t::array_start: frames_.push_back(Frame{true, {}, false, 0}); break;
      case json::parse_event_t::key:
        if (!frames_.empty()) {
          frames_.back().key = parsed.is_string() ? parsed.get<std::string>() : parsed.dump();
          frames_.back().has_key = true;
        }
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        value_done();
        break;
      case json::parse_event_t::value: value_done(); break;
    }
    return true;  // keep every value: the document is parsed in full
  }

  // The field being read, e.g. `process.user.uid`, `mounts[2]`, `linux.sysctl["net.ipv4.ip_forward"]`.
  std::string path() const {
    std::string out;
    for (const Frame& f : frames_) {
      if (f.is_array) {
        out += "[" + std::to_string(f.index) + "]";
      } else if (f.has_key) {
        if (plain(f.key)) {
          out += (out.empty() ? "" : ".") + f.key;
        } else {
          out += "[" + json(f.key).dump() + "]";
        }
      }
    }
    return out;
  }

 private:
  struct Frame {
    bool is_array;
    std::string key;  // objects: the member being read
    bool has_key;
    size_t index;     // arrays: the element being read
  };

  // A member or element was read in full: the next one has no key yet / the next index.
  void value_done() {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.is_array) {
      ++f.index;
    } else {
      f.has_key = false;
    }
  }

  static bool plain(const std::string& key) {
    if (key.empty()) return false;
    for (char c : key) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) return false;
    }
    return true;
  }

  std::vector<Frame> frames_;
};

}  // namespace

json parse_json_text(const std::string& text, const std::filesystem::path& file) {
  PathTracker tracker;
  try {
    return json::parse(text, [&tracker](int, json::parse_event_t event, json& parsed) {
      return tracker.on_event(event, parsed);
    });
  } catch (const json::exception& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..." or
    // "[json.exception.out_of_range.406] number overflow parsing '1E400'"; keep the part after the id.
    const std::string what = e.what();
    const auto start = what.find("] ");
    throw ConfigError(tracker.path(), "invalid JSON in " + runz::quoted(file.string()) + ": " +
                                          (start == std::string::npos ? what : what.substr(start + 2)));
  }
}

}  // namespace runz::spec::detail
