#include "guest/stall_report.hpp"

#include <fstream>
#include <sstream>

namespace runz::guest {
namespace {

constexpr size_t kMaxStackChars = 1500;  // a LOG frame stays small; the innermost frames come first

std::string read_small_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The state letter follows the ")" that closes the command name (which may itself contain ")").
std::string state_letter(const std::string& stat) {
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return {};
  return stat.substr(close + 2, 1);
}

}  // namespace

std::string describe_stalled_process(pid_t pid, const std::string& proc) {
  const std::string dir = proc + "/" + std::to_string(pid);
  std::string out;
  if (auto state = state_letter(read_small_file(dir + "/stat")); !state.empty()) out += "state " + state;
  if (auto wchan = read_small_file(dir + "/wchan"); !wchan.empty() && wchan != "0")
    out += (out.empty() ? "" : " ") + std::string("wchan ") + wchan;
  std::string stack = read_small_file(dir + "/stack");
  if (!stack.empty()) {
    for (char& c : stack)
      if (c == '\n') c = '|';
    if (stack.size() > kMaxStackChars) stack.resize(kMaxStackChars);
    out += (out.empty() ? "" : "; ") + std::string("stack: ") + stack;
  }
  return out.empty() ? "no /proc information" : out;
}

}  // namespace runz::guest
