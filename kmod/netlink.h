/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_NETLINK_H
#define _VQOS_NETLINK_H

#include <linux/types.h>

struct sk_buff;
struct vqos_flow;
struct vqos_net;
struct vqos_sip_meta;

int vqos_netlink_init(void);
void vqos_netlink_uninit(void);

bool vqos_netlink_sip_listened(struct vqos_net *vn);
int vqos_netlink_sip_copy(struct vqos_net *vn, const struct sk_buff *skb,
			  const struct vqos_sip_meta *m);
void vqos_netlink_notify_expired(struct vqos_net *vn, struct vqos_flow *flow);

#endif /* _VQOS_NETLINK_H */
