#include "net/tc_redirect.hpp"

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>

#include <memory>
#include <string>

extern "C" {
#include <netlink/route/act/mirred.h>
#include <netlink/route/action.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/u32.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>
}

#include "common/error.hpp"

namespace runz::net {
namespace {

struct QdiscPut {
  void operator()(rtnl_qdisc* q) const noexcept { rtnl_qdisc_put(q); }
};
struct ClsPut {
  void operator()(rtnl_cls* c) const noexcept { rtnl_cls_put(c); }
};
struct ActPut {
  void operator()(rtnl_act* a) const noexcept { rtnl_act_put(a); }
};

const uint32_t kIngressHandle = TC_HANDLE(0xffff, 0);

std::unique_ptr<rtnl_qdisc, QdiscPut> ingress_qdisc(int ifindex) {
  std::unique_ptr<rtnl_qdisc, QdiscPut> q(rtnl_qdisc_alloc());
  if (!q) throw Error("netlink: out of memory", ENOMEM);
  rtnl_tc_set_ifindex(TC_CAST(q.get()), ifindex);
  rtnl_tc_set_parent(TC_CAST(q.get()), TC_H_INGRESS);
  rtnl_tc_set_handle(TC_CAST(q.get()), kIngressHandle);
  if (int err = rtnl_tc_set_kind(TC_CAST(q.get()), "ingress"); err < 0) throw_nl("tc: ingress qdisc", err);
  return q;
}

}  // namespace

void redirect_ingress(const NlSocket& sock, int from_ifindex, int to_ifindex) {
  const std::string where = "link " + std::to_string(from_ifindex) + " -> link " + std::to_string(to_ifindex);
  auto q = ingress_qdisc(from_ifindex);
  if (int err = rtnl_qdisc_add(sock.get(), q.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0)
    throw_nl("tc: add ingress qdisc (" + where + ")", err);

  std::unique_ptr<rtnl_act, ActPut> act(rtnl_act_alloc());
  std::unique_ptr<rtnl_cls, ClsPut> cls(rtnl_cls_alloc());
  if (!act || !cls) throw Error("netlink: out of memory", ENOMEM);
  if (int err = rtnl_tc_set_kind(TC_CAST(act.get()), "mirred"); err < 0) throw_nl("tc: mirred action", err);
  rtnl_mirred_set_action(act.get(), TCA_EGRESS_REDIR);
  rtnl_mirred_set_policy(act.get(), TC_ACT_STOLEN);
  rtnl_mirred_set_ifindex(act.get(), static_cast<uint32_t>(to_ifindex));

  rtnl_tc_set_ifindex(TC_CAST(cls.get()), from_ifindex);
  rtnl_tc_set_parent(TC_CAST(cls.get()), kIngressHandle);
  // u32 with one key that every frame matches (`match u32 0 0`): u32 is in more kernels than matchall
  if (int err = rtnl_tc_set_kind(TC_CAST(cls.get()), "u32"); err < 0) throw_nl("tc: u32 filter", err);
  rtnl_cls_set_protocol(cls.get(), ETH_P_ALL);
  rtnl_cls_set_prio(cls.get(), 1);
  if (int err = rtnl_u32_add_key_uint32(cls.get(), 0, 0, 0, 0); err < 0) throw_nl("tc: u32 key", err);
  if (int err = rtnl_u32_set_cls_terminal(cls.get()); err < 0) throw_nl("tc: u32 filter", err);
  if (int err = rtnl_u32_add_action(cls.get(), act.get()); err < 0) throw_nl("tc: u32 action", err);
  if (int err = rtnl_cls_add(sock.get(), cls.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0)
    throw_nl("tc: add redirect filter (" + where + ")", err);
}

void remove_ingress(const NlSocket& sock, int ifindex) {
  auto q = ingress_qdisc(ifindex);
  const int err = rtnl_qdisc_delete(sock.get(), q.get());
  if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV && err != -NLE_INVAL)
    throw_nl("tc: remove ingress qdisc of link " + std::to_string(ifindex), err);
}

bool has_ingress(const NlSocket& sock, int ifindex) {
  nl_cache* raw = nullptr;
  if (int err = rtnl_qdisc_alloc_cache(sock.get(), &raw); err < 0) throw_nl("tc: list qdiscs", err);
  CachePtr cache(raw);
  std::unique_ptr<rtnl_qdisc, QdiscPut> q(rtnl_qdisc_get(cache.get(), ifindex, kIngressHandle));
  return q != nullptr;
}

}  // namespace runz::net
