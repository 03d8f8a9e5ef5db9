// runz list [--format table|json] [--quiet]: runc's table (tabwriter: min width 12, padding 3) or JSON.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <ostream>

#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace runz::runtime::cli {
namespace {

constexpr std::size_t kMinColumnWidth = 12;
constexpr std::size_t kColumnPadding = 3;

void print_table(const std::vector<spec::State>& states, std::ostream& out) {
  using Row = std::array<std::string, 6>;
  std::vector<Row> rows{{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const spec::State& s : states) {
    rows.push_back({s.id, std::to_string(s.pid), std::string(spec::to_string(s.status)), s.bundle, s.created, s.owner});
  }
  std::array<std::size_t, 6> width{};
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max({width[i], kMinColumnWidth, row[i].size() + kColumnPadding});
    }
  }
  for (const Row& row : rows) {
    for (std::size_t i = 0; i + 1 < row.size(); ++i) out << row[i] << std::string(width[i] - row[i].size(), ' ');
    out << row.back() << '\n';
  }
}

}  // namespace

ListCommand parse_list(const std::vector<std::string>& args) {
  auto options = verb_options("list", "");
  options.add_options()
    ("f,format", "table or json", cxxopts::value<std::string>()->default_value("table"))
    ("q,quiet", "print only the ids");
  const auto result = parse_verb(options, args);
  const std::string format = result["format"].as<std::string>();
  if (format != "table" && format != "json") throw UsageError("runz list: invalid format option " + runz::quoted(format));
  return ListCommand{format == "json", result["quiet"].as<bool>()};
}

int run(const Runtime& rt, const ListCommand& command, std::ostream& out) {
  const std::vector<spec::State> states = list_containers(rt);
  if (command.quiet) {
    for (const spec::State& s : states) out << s.id << '\n';
  } else if (command.json) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const spec::State& s : states) array.push_back(spec::to_json(s));
    out << array.dump() << '\n';
  } else {
    print_table(states, out);
  }
  return 0;
}

}  // namespace runz::runtime::cli
