// The zone's NICs: one vif device (devices/vif.hpp) per interface of the container's network namespace on
// the host, the namespace the monitor lives in. For each interface (interfaces.hpp: veth, macvlan, ipvlan):
//   record the device -> write its nodes -> netback creates vif<D>.<N> in dom0's namespace -> move it into
//   the container's -> MTU, up -> tc redirects both ways (tc_redirect.hpp) -> hotplug-status = connected,
// so the zone's netfront is never connected to an interface that is not wired yet. The container-side
// interface keeps its addresses and routes; the agent gives the same to the zone's NIC (NETWORK).
// The backend interface lives in the container's namespace, never in dom0's own.
//
// sync() is called at create and again whenever the namespace changed (the monitor follows it): an
// interface that appeared is wired as above; the NIC of one that is gone (or whose MAC changed) is unplugged
// (backend Closing, frontend Closed, nodes removed) and forgotten; one whose addresses or routes changed is
// configured again.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "agent-proto/messages.hpp"
#include "xen/xs.hpp"
#include "zone/zone.hpp"

namespace runz::xen {

class ZoneNetwork {
 public:
  struct Recorder {
    std::function<void(const zone::ZoneDevice&)> add;     // before the device's nodes are written
    std::function<void(const zone::ZoneDevice&)> remove;  // once its nodes are gone
  };

  ZoneNetwork(DomId domid, int host_netns_fd, Recorder recorder, std::chrono::milliseconds backend_timeout)
      : domid_(domid), host_netns_fd_(host_netns_fd), recorder_(std::move(recorder)), timeout_(backend_timeout) {}

  // Brings the zone's NICs in line with the calling thread's network namespace (see above). Interfaces that
  // cannot be mirrored are skipped with a logged reason. Returns the NICs made now, for the agent to
  // configure, in order, and those whose addresses or routes changed since. On a throw, what was made so far is still held: disconnect() removes it.
  std::vector<agent_proto::NetInterface> sync(XsHandle& xs);
  // Removes the redirects from the container's interfaces and the devices' nodes (netback then removes the
  // backend interfaces). Never throws.
  void disconnect(XsHandle& xs) noexcept;

 private:
  struct Nic {
    uint32_t devid = 0;
    int container_ifindex = 0;  // the namespace's own interface (e.g. eth0), redirected once wired
    int backend_ifindex = 0;    // vif<D>.<N> once moved into the namespace
    std::string name;
    std::string mac;
    bool redirected = false;
    agent_proto::NetInterface config;  // as the agent was last told
  };
  void unplug(XsHandle& xs, const Nic& nic);

  DomId domid_;
  int host_netns_fd_;  // dom0's namespace (the monitor owns the fd)
  Recorder recorder_;
  std::chrono::milliseconds timeout_;
  std::vector<Nic> nics_;
  uint32_t next_devid_ = 0;
  std::set<int> skipped_;  // interfaces already logged as not mirrored
};

}  // namespace runz::xen
