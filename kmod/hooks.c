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
 * IPv6 extension headers walked before giving up on a packet: each costs a
 * header lookup, and no real voice packet carries more than a few.
 */
#define VQOS_IPV6_MAX_EXT 16

/*
 * The transport protocol of an IPv6 packet and its offset, or -1. Unlike
 * ipv6_find_hdr(), this reads nothing but through skb_header_pointer()
 * (the fixed header may not be linear either), stops at ESP (whose
 * "next header" is encrypted) and within @end (the payload length, not the
 * buffer), and gives up after VQOS_IPV6_MAX_EXT headers. Offsets (@off,
 * @end) are from the network header at @nhoff. Fragments other
 * than atomic ones (RFC 6946: offset 0, no more fragments) are not ours.
 */
static int vqos_ipv6_l4(const struct sk_buff *skb, int nhoff, u8 nexthdr,
			unsigned int *off, unsigned int end)
{
	unsigned int i, hlen;

	for (i = 0; i <= VQOS_IPV6_MAX_EXT; i++) {
		struct ipv6_opt_hdr _hp;
		const struct ipv6_opt_hdr *hp;

		if (nexthdr == IPPROTO_UDP || nexthdr == IPPROTO_TCP)
			return nexthdr;
		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT &&
		    nexthdr != NEXTHDR_AUTH)
			return -1;
		if (i == VQOS_IPV6_MAX_EXT || end - *off < sizeof(_hp))
			return -1;
		hp = skb_header_pointer(skb, nhoff + *off, sizeof(_hp), &_hp);
		if (!hp)
			return -1;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			struct frag_hdr _fh;
			const struct frag_hdr *fh;

			if (end - *off < sizeof(_fh))
				return -1;
			fh = skb_header_pointer(skb, nhoff + *off, sizeof(_fh), &_fh);
			if (!fh || fh->frag_off & htons(IP6_OFFSET | IP6_MF))
				return -1;
			hlen = sizeof(_fh);
		} else if (nexthdr == NEXTHDR_AUTH) {
			hlen = ipv6_authlen(hp);
		} else {
			hlen = ipv6_optlen(hp);
		}
		if (end - *off < hlen)
			return -1;
		*off += hlen;
		nexthdr = hp->nexthdr;
	}
	return -1;
}

/**
 * vqos_parse - find the addresses and ports of a packet, if it has them
 * @skb: packet, skb->data anywhere at or before the network header
 * @pf: NFPROTO_IPV4 or NFPROTO_IPV6
 * @pkt: filled on success
 *
 * Returns false for anything that is not a first-and-only fragment of UDP
 * or TCP with headers that fit in the IP datagram: later fragments have no
 * ports, and conntrack has reassembled whatever it needed before these
 * hooks run. Every header is read through skb_header_pointer() and checked
 * against both the buffer and the lengths the headers claim, so that no
 * byte past the datagram (link-layer padding, a lying length) is taken for
 * a port or an RTP header, whatever the layout of the skb.
 */
bool vqos_parse(const struct sk_buff *skb, u8 pf, struct vqos_pkt *pkt)
{
	int nhoff = skb_network_offset(skb);
	unsigned int thoff, end, avail;
	struct udphdr _uh;
	const struct udphdr *uh;
	int proto;

	memset(&pkt->key, 0, sizeof(pkt->key));
	if (nhoff < 0 || (unsigned int)nhoff > skb->len)
		return false;
	avail = skb->len - nhoff;
	if (pf == NFPROTO_IPV4) {
		struct iphdr _iph;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    ip_is_fragment(iph))
			return false;
		end = ntohs(iph->tot_len);
		/* BIG TCP (Linux 6.3+): a GSO packet over 64k says 0 there. */
		if (!end && skb_is_gso(skb))
			end = avail;
		if (end < iph->ihl * 4 || end > avail)
			return false;
		proto = iph->protocol;
		thoff = iph->ihl * 4;
		pkt->key.family = AF_INET;
		pkt->key.src.ip = iph->saddr;
		pkt->key.dst.ip = iph->daddr;
	} else if (pf == NFPROTO_IPV6) {
		struct ipv6hdr _ip6h;
		const struct ipv6hdr *ip6h;

		ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
		if (!ip6h || ip6h->version != 6)
			return false;
		end = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		/* 0: a jumbogram (RFC 2675) or BIG TCP: the buffer tells. */
		if (!ip6h->payload_len &&
		    (ip6h->nexthdr == NEXTHDR_HOP || skb_is_gso(skb)))
			end = avail;
		if (end > avail)
			return false;
		thoff = sizeof(*ip6h);
		proto = vqos_ipv6_l4(skb, nhoff, ip6h->nexthdr, &thoff, end);
		pkt->key.family = AF_INET6;
		pkt->key.src.ip6 = ip6h->saddr;
		pkt->key.dst.ip6 = ip6h->daddr;
	} else {
		return false;
	}
	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return false;

	/* Both headers start with the two ports; TCP's is longer still. */
	if (end - thoff < sizeof(_uh))
		return false;
	uh = skb_header_pointer(skb, nhoff + thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	if (proto == IPPROTO_UDP) {
		unsigned int ulen = ntohs(uh->len);

		/* 0: a UDP jumbogram (RFC 2675) or a GSO packet over 64k. */
		if (!ulen && end - thoff > U16_MAX)
			ulen = end - thoff;
		if (ulen < sizeof(_uh) || ulen > end - thoff)
			return false;
		end = thoff + ulen;
	}
	pkt->key.sport = uh->source;
	pkt->key.dport = uh->dest;
	pkt->thoff = nhoff + thoff;
	pkt->end = nhoff + end;
	pkt->l4proto = proto;
	return true;
}

/*
 * The fixed RTP header of a UDP packet, copied to @buf if need be, or NULL
 * if the payload cannot hold the header it claims: the CSRC list and the
 * header extension (RFC 3550 5.1, 5.3.1) must fit in the UDP payload. The
 * padding count is not checked: with SRTP the authentication tag, not the
 * padding, ends the packet.
 */
static const u8 *vqos_rtp_header(const struct sk_buff *skb,
				 const struct vqos_pkt *pkt,
				 u8 buf[VQOS_RTP_HDR_LEN])
{
	unsigned int off = pkt->thoff + sizeof(struct udphdr);
	unsigned int len = pkt->end - off, hlen;
	__be16 _ext[2];
	const __be16 *ext;
	const u8 *rtp;

	if (pkt->end < off || len < VQOS_RTP_HDR_LEN)
		return NULL;
	rtp = skb_header_pointer(skb, off, VQOS_RTP_HDR_LEN, buf);
	if (!rtp)
		return NULL;
	hlen = VQOS_RTP_HDR_LEN + (rtp[0] & 0x0f) * 4;
	if (len < hlen)
		return NULL;
	if (rtp[0] & 0x10) {
		/* Profile-defined 16 bits, then the length in 32-bit words. */
		if (len - hlen < sizeof(_ext))
			return NULL;
		ext = skb_header_pointer(skb, off + hlen, sizeof(_ext), _ext);
		if (!ext || len - hlen - sizeof(_ext) < ntohs(ext[1]) * 4U)
			return NULL;
	}
	return rtp;
}

static void vqos_media(struct vqos_net *vn, const struct vqos_config *cfg,
		       struct sk_buff *skb, struct vqos_pkt *pkt)
{
	unsigned long stats = BIT(VQOS_STAT_PACKETS);
	u8 buf[VQOS_RTCP_PARSE_LEN];
	unsigned int off, total, len;
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

	/* Within the UDP length: link padding is no part of the payload. */
	off = pkt->thoff + sizeof(struct udphdr);
	if (pkt->end <= off)
		goto out;
	total = pkt->end - off;
	if (READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP) {
		len = min_t(unsigned int, total, sizeof(buf));
		payload = skb_header_pointer(skb, off, len, buf);
	} else {
		len = VQOS_RTP_HDR_LEN;
		payload = vqos_rtp_header(skb, pkt, buf);
	}
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

/**
 * vqos_packet - what the hooks do with a packet of namespace state @vn
 * @vn: the namespace's state (the hooks' own, or a test's)
 * @skb: the packet
 * @state: the hook's state; ->pf and ->hook are used, ->in and ->out if set
 *
 * Always NF_ACCEPT: the hooks never drop. Called under rcu_read_lock().
 */
unsigned int vqos_packet(struct vqos_net *vn, struct sk_buff *skb,
			 const struct nf_hook_state *state)
{
	const struct vqos_config *cfg;
	struct vqos_pkt pkt;

	if (!vqos_parse(skb, state->pf, &pkt))
		return NF_ACCEPT;

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

/* nf_hook() runs us under rcu_read_lock(). */
static unsigned int vqos_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return vqos_packet(vqos_pernet(state->net), skb, state);
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
