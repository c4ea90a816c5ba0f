/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_HOOKS_H
#define _VQOS_HOOKS_H

#include "flow.h"

/* What the hooks learn of a packet's headers, once. */
struct vqos_pkt {
	struct vqos_flow_key key;
	unsigned int thoff;	/* transport header offset from skb->data */
	unsigned int end;	/* end of the transport data (UDP length, IP length) */
	u8 l4proto;
};

struct nf_hook_state;
struct sk_buff;
struct vqos_net;

bool vqos_parse(const struct sk_buff *skb, u8 pf, struct vqos_pkt *pkt);
unsigned int vqos_packet(struct vqos_net *vn, struct sk_buff *skb,
			 const struct nf_hook_state *state);
int vqos_hooks_enable(struct vqos_net *vn);
void vqos_hooks_uninit(struct vqos_net *vn);

#endif /* _VQOS_HOOKS_H */
