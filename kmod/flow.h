/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_FLOW_H
#define _VQOS_FLOW_H

#include "police.h"
#include "rtcp.h"
#include "rtp.h"

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

struct vqos_net;
struct netlink_ext_ack;

union vqos_addr {
	__be32 ip;
	struct in6_addr ip6;
};

/*
 * Hashed as raw bytes: constructors must zero it whole. A wildcard flow is
 * stored under its key with src and sport zero, which an exact flow can
 * never have.
 */
struct vqos_flow_key {
	union vqos_addr src;
	union vqos_addr dst;
	__be16 sport;
	__be16 dport;
	u8 family;
	u8 pad[3];
};

/* What userspace configures; replaced as a whole by FLOW_NEW. */
struct vqos_flow_params {
	u64 cookie;
	u64 rate;		/* bit/s, 0: not policed */
	u32 burst;		/* bytes */
	u32 priority;		/* skb->priority, 0: untouched */
	u32 mark;
	u32 mark_mask;		/* 0: skb->mark untouched */
	u32 clock_rate;		/* Hz, 0: no jitter */
	u32 timeout;		/* idle seconds */
	s8 dscp;		/* -1: untouched */
	u8 media;		/* enum voiceqos_media */
	u8 flags;		/* enum voiceqos_flow_flags */
};

/* Bits of vqos_flow.state */
enum {
	VQOS_FLOW_SRC_ADDR,	/* wildcard key: source address given */
	VQOS_FLOW_SRC_PORT,	/* wildcard key: source port given */
	VQOS_FLOW_LATCHING,	/* a packet claimed the latch */
	VQOS_FLOW_LATCHED,	/* src/sport below are valid */
	VQOS_FLOW_RTP_BUSY,	/* a CPU is updating the RTP state */
};

struct vqos_flow {
	struct rhash_head node;
	struct vqos_flow_key key;
	/* Off the list before it is freed: the two never coexist. */
	union {
		struct list_head list;	/* vqos_net.flow_list, under vqos_net.lock */
		struct rcu_head rcu;
	};
	struct vqos_flow_params p;
	struct vqos_police police;
	atomic64_t packets;
	atomic64_t bytes;
	atomic64_t policed_packets;
	atomic64_t policed_bytes;
	unsigned long last_seen;	/* jiffies */
	unsigned long state;
	union vqos_addr src;		/* wildcard flows: given, then latched */
	__be16 sport;
	u32 created;			/* ktime_get_seconds() */
	/*
	 * RTCP flows (VOICEQOS_FLOW_F_RTCP) keep the latest report, other
	 * flows the RTP receiver state: sharing the space keeps a flow at 256
	 * bytes. The flag picks the member; changing it resets both, under
	 * VQOS_FLOW_RTP_BUSY. RTCP multiplexed on an RTP flow is not read.
	 */
	union {
		struct vqos_rtp rtp;
		struct vqos_rtcp rtcp;
	};
};

int vqos_flow_init(void);
void vqos_flow_uninit(void);

int vqos_flow_table_init(struct vqos_net *vn);
void vqos_flow_table_uninit(struct vqos_net *vn);

bool vqos_flow_key_is_wild(const struct vqos_flow_key *key);
struct vqos_flow *vqos_flow_lookup(struct vqos_net *vn,
				   struct vqos_flow_key *key, bool *latched);

int vqos_flow_new(struct vqos_net *vn, const struct vqos_flow_key *key,
		  const struct vqos_flow_params *p, bool excl,
		  struct netlink_ext_ack *extack);
int vqos_flow_del(struct vqos_net *vn, const struct vqos_flow_key *key);
int vqos_flow_del_cookie(struct vqos_net *vn, u64 cookie);
void vqos_flow_flush(struct vqos_net *vn);
struct vqos_flow *vqos_flow_find_locked(struct vqos_net *vn,
					const struct vqos_flow_key *key);

bool vqos_flow_idle(unsigned long last_seen, unsigned long now,
		    unsigned long timeout);
void vqos_flow_account(struct vqos_flow *flow, const u8 *payload,
		       unsigned int len, unsigned int total, u64 now_ns);

#endif /* _VQOS_FLOW_H */
