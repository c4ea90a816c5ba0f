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
	u8 l4proto;
};

struct vqos_net;

int vqos_hooks_enable(struct vqos_net *vn);
void vqos_hooks_uninit(struct vqos_net *vn);

#endif /* _VQOS_HOOKS_H */
