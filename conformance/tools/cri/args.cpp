#include "args.hpp"

#include <charconv>

namespace runz::cri {

std::string_view Args::peek() const noexcept {
  return empty() ? std::string_view{} : std::string_view{words_[next_]};
}

std::string Args::take(std::string_view what) {
  if (empty()) throw UsageError("missing " + std::string(what));
  return words_[next_++];
}

std::optional<Option> Args::take_option() {
  std::string_view word = peek();
  if (word.size() < 2 || word[0] != '-' || word == "--") return std::nullopt;
  ++next_;
  Option option;
  if (auto eq = word.find('='); eq != std::string_view::npos) {
    option.name = std::string(word.substr(0, eq));
    option.value = std::string(word.substr(eq + 1));
  } else {
    option.name = std::string(word);
  }
  return option;
}

std::string Args::value_of(const Option& option) {
  if (option.value) return *option.value;
  if (empty()) throw UsageError("option `" + option.name + "` needs a value");
  return words_[next_++];
}

std::vector<std::string> Args::take_rest() {
  std::vector<std::string> rest(words_.begin() + static_cast<std::ptrdiff_t>(next_), words_.end());
  next_ = words_.size();
  return rest;
}

void Args::expect_end() const {
  if (!empty()) throw UsageError("unexpected argument `" + words_[next_] + "`");
}

std::chrono::seconds parse_seconds(std::string_view text, std::string_view what) {
  // Bounded so that deadlines computed from it (now + seconds) cannot overflow.
  constexpr long long kMaxSeconds = 10LL * 365 * 24 * 3600;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > kMaxSeconds) {
    throw UsageError(std::string(what) + ": `" + std::string(text) + "` is not a number of seconds");
  }
  return std::chrono::seconds{value};
}

void unknown_option(const Option& option) {
  throw UsageError("unknown option `" + option.name + "`");
}

bool take_verbose_only(Args& args) {
  bool verbose = false;
  while (auto option = args.take_option()) {
    if (option->name != "--verbose" && option->name != "-v") unknown_option(*option);
    verbose = true;
  }
  return verbose;
}

}  // namespace runz::cri
