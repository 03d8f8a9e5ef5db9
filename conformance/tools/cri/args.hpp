// runz-cri's command line, read left to right: a command's options come first, then its operands.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runz::cri {

// runz-cri was called wrongly: main prints the message and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An option word (`--timeout 5`, `--timeout=5`, `-v`); `value` holds what followed `=`, if anything.
struct Option {
  std::string name;
  std::optional<std::string> value;
};

class Args {
 public:
  explicit Args(std::vector<std::string> words) : words_(std::move(words)) {}

  bool empty() const noexcept { return next_ >= words_.size(); }
  // The next word without taking it; "" when none is left.
  std::string_view peek() const noexcept;
  // Takes the next word; UsageError "missing WHAT" when none is left.
  std::string take(std::string_view what);
  // Takes the next word if it is an option (starts with `-`, is not `-` or `--`).
  std::optional<Option> take_option();
  // The option's value: the part after `=`, else the next word (UsageError when none).
  std::string value_of(const Option& option);
  // Takes every remaining word.
  std::vector<std::string> take_rest();
  // UsageError naming the first word left over, if any.
  void expect_end() const;

 private:
  std::vector<std::string> words_;
  std::size_t next_ = 0;
};

// A whole number of seconds, 0 or more; UsageError naming `what` otherwise.
std::chrono::seconds parse_seconds(std::string_view text, std::string_view what);

// UsageError "unknown option `NAME`".
[[noreturn]] void unknown_option(const Option& option);

// The options of the status commands (inspect, inspectp): only -v/--verbose; true when it was given.
bool take_verbose_only(Args& args);

}  // namespace runz::cri
