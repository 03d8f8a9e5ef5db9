#include "runtime/container_netns.hpp"

#include "common/error.hpp"
#include "net/netns.hpp"

namespace runz::runtime {

const spec::Namespace* network_namespace(const spec::Config& config) {
  if (!config.linux_) return nullptr;
  for (const spec::Namespace& ns : config.linux_->namespaces)
    if (ns.type == "network") return &ns;
  return nullptr;
}

UniqueFd enter_container_netns(const spec::Config& config) {
  const spec::Namespace* ns = network_namespace(config);
  if (ns == nullptr) return UniqueFd{};
  UniqueFd host = net::current_netns();
  if (ns->path.empty()) {
    net::unshare_netns();
  } else {
    const UniqueFd target = net::open_netns(ns->path);
    net::enter_netns(target.get());
  }
  return host;
}

}  // namespace runz::runtime
