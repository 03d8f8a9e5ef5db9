// Joins two links at layer 2 without a bridge: an ingress qdisc on each with a u32 filter that matches every
// frame and whose mirred action redirects every frame to the other link's egress (the model Kata Containers calls "tcfilter").
// Frames are stolen before the namespace's own stack sees them, so the container-side interface keeps its
// addresses (for the tools that read them) but never answers in the zone's place.
#pragma once

#include "net/netlink.hpp"

namespace runz::net {

// Every frame that arrives on `from` leaves through `to`. `from` must have no ingress qdisc yet.
void redirect_ingress(const NlSocket& sock, int from_ifindex, int to_ifindex);
// Removes the ingress qdisc of the link (its filters go with it); a link without one is not an error.
void remove_ingress(const NlSocket& sock, int ifindex);
// Whether the link has an ingress qdisc (e.g. another zone already took its frames).
bool has_ingress(const NlSocket& sock, int ifindex);

}  // namespace runz::net
