// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * The packet path. Hooks sit at FORWARD and LOCAL_OUT of both families,
 * after conntrack, NAT and the filter tables, so that FORWARD sees the
 * LAN-side addresses in both directions and nothing is counted that a
 * firewall drops. LOCAL_IN only feeds the SIP mirror, for a PBX on the
 * router itself. No hook ever drops or delays a packet.
 */

#include "hooks.h"
#include "mark.h"
#include "netns.h"
#include "sip.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

/*
 * Returns false for anything that is not a first-and-only fragment of UDP
 * or TCP: later fragments have no ports, and conntrack has reassembled
 * whatever it needed before these hooks run.
 */
static bool vqos_parse(struct sk_buff *skb, u8 pf, struct vqos_pkt *pkt)
{
	struct udphdr _uh;
	const struct udphdr *uh;
	unsigned int thoff = 0;
	int proto;

	memset(&pkt->key, 0, sizeof(pkt->key));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (ip_is_fragment(iph))
			return false;
		proto = iph->protocol;
		thoff = skb_network_offset(skb) + ip_hdrlen(skb);
		pkt->key.family = AF_INET;
		pkt->key.src.ip = iph->saddr;
		pkt->key.dst.ip = iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned short frag_off = 0;
		int fh_flags = 0;

		proto = ipv6_find_hdr(skb, &thoff, -1, &frag_off, &fh_flags);
		if (proto < 0 || (fh_flags & IP6_FH_F_FRAG))
			return false;
		pkt->key.family = AF_INET6;
		pkt->key.src.ip6 = ip6h->saddr;
		pkt->key.dst.ip6 = ip6h->daddr;
	}
	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return false;

	/* Both headers start with the two ports. */
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	pkt->key.sport = uh->source;
	pkt->key.dport = uh->dest;
	pkt->thoff = thoff;
	pkt->l4proto = proto;
	return true;
}

static void vqos_media(struct vqos_net *vn, const struct vqos_config *cfg,
		       struct sk_buff *skb, struct vqos_pkt *pkt)
{
	unsigned long stats = BIT(VQOS_STAT_PACKETS);
	u8 buf[VQOS_RTCP_PARSE_LEN];
	unsigned int total, len;
	struct vqos_flow *flow;
	bool latched = false;
	u32 priority, mark_mask;
	unsigned long j;
	const u8 *payload;
	u64 now;
	s8 dscp;

	flow = vqos_flow_lookup(vn, &pkt->key, &latched);
	if (!flow)
		goto out;
	now = ktime_get_ns();
	j = jiffies;
	stats |= BIT(VQOS_STAT_MATCHED);
	if (latched)
		stats |= BIT(VQOS_STAT_LATCHED);

	/* Do not dirty the cache line more than once a tick. */
	if (READ_ONCE(flow->last_seen) != j)
		WRITE_ONCE(flow->last_seen, j);
	atomic64_inc(&flow->packets);
	atomic64_add(skb->len, &flow->bytes);

	if (vqos_police_conform(&flow->police, skb->len * BITS_PER_BYTE, now)) {
		stats |= BIT(VQOS_STAT_MARKED);
		dscp = READ_ONCE(flow->p.dscp);
		priority = READ_ONCE(flow->p.priority);
		mark_mask = READ_ONCE(flow->p.mark_mask);
		if (mark_mask)
			skb->mark = (skb->mark & ~mark_mask) |
				    (READ_ONCE(flow->p.mark) & mark_mask);
	} else {
		/* Demoted: best effort, and none of the flow's mark. */
		stats |= BIT(VQOS_STAT_POLICED);
		atomic64_inc(&flow->policed_packets);
		atomic64_add(skb->len, &flow->policed_bytes);
		dscp = cfg->fallback_dscp;
		priority = cfg->be_priority;
	}
	if (priority)
		skb->priority = priority;
	if (dscp >= 0 && vqos_mark_dscp(skb, pkt->key.family, dscp))
		stats |= BIT(VQOS_STAT_UNWRITABLE);

	if (skb->len <= pkt->thoff + sizeof(struct udphdr))
		goto out;
	total = skb->len - pkt->thoff - sizeof(struct udphdr);
	len = min_t(unsigned int, total, sizeof(buf));
	payload = skb_header_pointer(skb, pkt->thoff + sizeof(struct udphdr), len, buf);
	if (payload)
		vqos_flow_account(flow, payload, len, total, now);
out:
	vqos_stats_inc_mask(vn, stats);
}

/*
 * Signalling gets its own class and DSCP (CS3 by convention) so that call
 * setup survives the same congestion the media does; the copy above has
 * already been taken, unmodified.
 */
static void vqos_sip_mark(struct vqos_net *vn, const struct vqos_config *cfg,
			  struct sk_buff *skb, const struct vqos_pkt *pkt)
{
	if (cfg->sip_priority)
		skb->priority = cfg->sip_priority;
	if (cfg->sip_dscp >= 0 && vqos_mark_dscp(skb, pkt->key.family, cfg->sip_dscp))
		vqos_stats_inc_mask(vn, BIT(VQOS_STAT_UNWRITABLE));
}

static unsigned int vqos_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct vqos_net *vn = vqos_pernet(state->net);
	const struct vqos_config *cfg;
	struct vqos_pkt pkt;

	if (!vqos_parse(skb, state->pf, &pkt))
		return NF_ACCEPT;

	/* nf_hook() runs us under rcu_read_lock(). */
	cfg = rcu_dereference(vn->cfg);
	if (vqos_sip_port(cfg, pkt.key.sport, pkt.key.dport)) {
		vqos_sip_mirror(vn, cfg, skb, state, &pkt);
		if (state->hook != NF_INET_LOCAL_IN)
			vqos_sip_mark(vn, cfg, skb, &pkt);
		return NF_ACCEPT;
	}

	/* A namespace without flows (a plain host next to the router) pays no lookup. */
	if (pkt.l4proto == IPPROTO_UDP && state->hook != NF_INET_LOCAL_IN &&
	    READ_ONCE(vn->n_flows))
		vqos_media(vn, cfg, skb, &pkt);
	return NF_ACCEPT;
}

#define VQOS_HOOK(_pf, _hook, _prio) {	\
	.hook = vqos_hook,		\
	.pf = (_pf),			\
	.hooknum = (_hook),		\
	.priority = (_prio),		\
}

static const struct nf_hook_ops vqos_nf_ops[] = {
	VQOS_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_FILTER + 1),
	VQOS_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER + 1),
	VQOS_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_FILTER + 1),
	VQOS_HOOK(NFPROTO_IPV6, NF_INET_FORWARD, NF_IP6_PRI_FILTER + 1),
	VQOS_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_FILTER + 1),
	VQOS_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_FILTER + 1),
};

/**
 * vqos_hooks_enable - put the hooks into a namespace that starts using voiceqos
 * @vn: namespace state, with vn->lock held
 *
 * A namespace gets the hooks with its first flow or configuration, not at
 * creation: registered hooks send every packet of the namespace through
 * nf_hook_slow(), which hosts, containers and test peers that never use
 * voiceqos should not pay for. Once there, they stay until the namespace or
 * the module goes.
 */
int vqos_hooks_enable(struct vqos_net *vn)
{
	int err;

	lockdep_assert_held(&vn->lock);
	if (vn->hooks_on)
		return 0;
	err = nf_register_net_hooks(vn->net, vqos_nf_ops, ARRAY_SIZE(vqos_nf_ops));
	if (!err)
		WRITE_ONCE(vn->hooks_on, true);
	return err;
}

/* Unregistering waits for the packets in flight (synchronize_net()). */
void vqos_hooks_uninit(struct vqos_net *vn)
{
	if (vn->hooks_on)
		nf_unregister_net_hooks(vn->net, vqos_nf_ops, ARRAY_SIZE(vqos_nf_ops));
	WRITE_ONCE(vn->hooks_on, false);
}
