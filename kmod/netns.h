/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_NETNS_H
#define _VQOS_NETNS_H

#include "police.h"

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/voiceqos.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Namespace settings; replaced whole under RCU so a packet sees one set. */
struct vqos_config {
	struct rcu_head rcu;
	u32 be_priority;
	u32 mirror_rate;
	u32 mirror_burst;
	u16 sip_ports[VOICEQOS_MAX_SIP_PORTS];
	u8 n_sip_ports;
	u8 fallback_dscp;
	s8 sip_dscp;		/* -1: leave signalling packets' DSCP alone */
	u32 sip_priority;
};

enum vqos_stat {
	VQOS_STAT_PACKETS,
	VQOS_STAT_MATCHED,
	VQOS_STAT_MARKED,
	VQOS_STAT_POLICED,
	VQOS_STAT_LATCHED,
	VQOS_STAT_UNWRITABLE,
	VQOS_STAT_SIP_COPIES,
	VQOS_STAT_SIP_DROPPED,
	VQOS_STAT_MAX
};

struct vqos_pcpu_stats {
	u64_stats_t v[VQOS_STAT_MAX];
	struct u64_stats_sync syncp;
};

struct vqos_net {
	struct net *net;
	struct rhashtable flows;
	/* Serialises every change of the table and the list (not lookups). */
	struct mutex lock;
	bool hooks_on;			/* see vqos_hooks_enable() */
	struct list_head flow_list;
	unsigned int n_flows;		/* read locklessly by the hook */
	unsigned int n_wild;		/* read locklessly by the hook */
	u8 __rcu *dport_refs;		/* flows per destination port, see flow.c */
	u32 gen;			/* bumped on every change, for dumps */
	struct vqos_config __rcu *cfg;
	struct vqos_pcpu_stats __percpu *stats;
	atomic64_t expired;
	struct vqos_police mirror;	/* SIP copies, in packets */
	struct delayed_work gc_work;
	struct proc_dir_entry *proc_dir;
};

extern unsigned int vqos_net_id;
extern unsigned int vqos_max_flows;
extern unsigned int vqos_idle_timeout;
extern unsigned int vqos_mirror_rate;

static inline struct vqos_net *vqos_pernet(const struct net *net)
{
	return net_generic(net, vqos_net_id);
}

/* Callable from any context, including process context with BH enabled. */
static inline void vqos_stats_add(struct vqos_net *vn, enum vqos_stat i, u64 n)
{
	struct vqos_pcpu_stats *s = get_cpu_ptr(vn->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->v[i], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(vn->stats);
}

/* One update section for all the counters a packet touches. */
static inline void vqos_stats_inc_mask(struct vqos_net *vn, unsigned long mask)
{
	struct vqos_pcpu_stats *s = get_cpu_ptr(vn->stats);
	unsigned long flags;
	unsigned int i;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	/* A plain shift loop: for_each_set_bit() would call out per bit. */
	for (i = 0; mask; i++, mask >>= 1)
		if (mask & 1)
			u64_stats_inc(&s->v[i]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(vn->stats);
}

void vqos_stats_read(struct vqos_net *vn, u64 out[VQOS_STAT_MAX]);

#endif /* _VQOS_NETNS_H */
