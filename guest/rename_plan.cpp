#include "guest/rename_plan.hpp"

#include <algorithm>

namespace runz::guest {

namespace {

const LinkName* named(const std::vector<LinkName>& links, const std::string& name) {
  auto it = std::find_if(links.begin(), links.end(), [&](const LinkName& l) { return l.name == name; });
  return it == links.end() ? nullptr : &*it;
}

}  // namespace

std::vector<Rename> plan_rename(const std::vector<LinkName>& links, int ifindex, const std::string& wanted) {
  auto self = std::find_if(links.begin(), links.end(), [&](const LinkName& l) { return l.ifindex == ifindex; });
  const std::string current = self == links.end() ? std::string() : self->name;
  if (current == wanted) return {};
  std::vector<Rename> plan;
  if (const LinkName* holder = named(links, wanted)) {
    // ifindex is at most 10 digits: "rz-" + 10 + "-" + a small counter stays within IFNAMSIZ - 1 = 15.
    const std::string base = "rz-" + std::to_string(holder->ifindex);
    std::string temporary = base;
    for (int n = 1; named(links, temporary) != nullptr; ++n) temporary = base + "-" + std::to_string(n);
    plan.push_back({holder->ifindex, holder->name, temporary});
  }
  plan.push_back({ifindex, current, wanted});
  return plan;
}

}  // namespace runz::guest
