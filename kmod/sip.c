// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * SIP mirroring: signalling seen by the hooks is copied to the "sip"
 * multicast group for the agent. The packet itself goes on untouched; when
 * nobody listens, or copies come faster than the mirror rate, copies are
 * simply not made (and counted).
 */

#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "sip.h"

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/tcp.h>

/*
 * Payload bounds of the packet, within the transport data vqos_parse() found
 * (not the buffer, which may run on); false if there is nothing worth a copy.
 */
bool vqos_sip_payload(const struct sk_buff *skb, const struct vqos_pkt *pkt,
		      struct vqos_sip_meta *m)
{
	unsigned int l4len;

	if (pkt->l4proto == IPPROTO_UDP) {
		l4len = sizeof(struct udphdr);
	} else {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, pkt->thoff, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4)
			return false;
		l4len = th->doff * 4;
		m->tcp_seq = ntohl(th->seq);
		m->tcp_flags = tcp_flag_byte(th);
	}
	if (pkt->end < pkt->thoff + l4len)
		return false;
	m->poff = pkt->thoff + l4len;
	m->plen = pkt->end - m->poff;
	/*
	 * Bare TCP ACKs carry nothing for a SIP parser; SYN, FIN and RST do:
	 * they open and close the agent's reassembly state.
	 */
	if (!m->plen && pkt->l4proto == IPPROTO_TCP &&
	    !(m->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST)))
		return false;
	return true;
}

void vqos_sip_mirror(struct vqos_net *vn, const struct vqos_config *cfg,
		     struct sk_buff *skb, const struct nf_hook_state *state,
		     const struct vqos_pkt *pkt)
{
	struct vqos_sip_meta m = { .pkt = pkt };

	/* Mirror rate 0 is mirroring switched off: nothing is lost then. */
	if (!cfg->mirror_rate || !vqos_netlink_sip_listened(vn))
		return;
	if (!vqos_sip_payload(skb, pkt, &m))
		return;
	if (!vqos_police_conform(&vn->mirror, 1, ktime_get_ns())) {
		vqos_stats_add(vn, VQOS_STAT_SIP_DROPPED, 1);
		return;
	}
	m.hook = state->hook;
	m.iif = state->in ? state->in->ifindex : 0;
	m.oif = state->out ? state->out->ifindex : 0;
	m.tstamp = ktime_get_real_ns();
	if (vqos_netlink_sip_copy(vn, skb, &m))
		vqos_stats_add(vn, VQOS_STAT_SIP_DROPPED, 1);
	else
		vqos_stats_add(vn, VQOS_STAT_SIP_COPIES, 1);
}
