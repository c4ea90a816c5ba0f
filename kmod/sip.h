/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_SIP_H
#define _VQOS_SIP_H

#include "netns.h"

#include <linux/types.h>

struct nf_hook_state;
struct sk_buff;
struct vqos_net;
struct vqos_pkt;

/* What a SIP copy says besides its payload. */
struct vqos_sip_meta {
	const struct vqos_pkt *pkt;
	u64 tstamp;
	u32 iif;
	u32 oif;
	u32 tcp_seq;
	u32 poff;		/* payload offset in the skb */
	u32 plen;		/* payload length */
	u8 hook;
	u8 tcp_flags;
};

/* Asked of every TCP and UDP packet in an active namespace, hence inline. */
static inline bool vqos_sip_port(const struct vqos_config *cfg, __be16 sport,
				 __be16 dport)
{
	u16 s = ntohs(sport), d = ntohs(dport);
	unsigned int i;

	for (i = 0; i < cfg->n_sip_ports; i++)
		if (cfg->sip_ports[i] == s || cfg->sip_ports[i] == d)
			return true;
	return false;
}

bool vqos_sip_payload(const struct sk_buff *skb, const struct vqos_pkt *pkt,
		      struct vqos_sip_meta *m);
void vqos_sip_mirror(struct vqos_net *vn, const struct vqos_config *cfg,
		     struct sk_buff *skb, const struct nf_hook_state *state,
		     const struct vqos_pkt *pkt);

#endif /* _VQOS_SIP_H */
