// Which links to rename, in which order, so that the zone's NIC with a given MAC ends up with the name the
// host gave it. netfront names its devices eth0, eth1... in probe order, which need not match the host's
// order or names: when another link already holds the wanted name it moves to a temporary name first (a
// later interface of the same NETWORK usually claims it back under its own name).
#pragma once

#include <string>
#include <vector>

namespace runz::guest {

struct LinkName {
  int ifindex = 0;
  std::string name;
};

struct Rename {
  int ifindex = 0;
  std::string from;
  std::string to;

  bool operator==(const Rename&) const = default;
};

// The renames, in order, that give link `ifindex` the name `wanted` among `links` (every link of the zone,
// `ifindex` among them). Empty when it has that name already. A temporary name is "rz-<ifindex>", or
// "rz-<ifindex>-<n>" when that one is taken too.
std::vector<Rename> plan_rename(const std::vector<LinkName>& links, int ifindex, const std::string& wanted);

}  // namespace runz::guest
