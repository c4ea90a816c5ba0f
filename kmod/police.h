/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_POLICE_H
#define _VQOS_POLICE_H

#include <linux/atomic.h>
#include <linux/types.h>

/*
 * A token bucket in its GCRA form: one 64-bit "theoretical arrival time"
 * advanced with cmpxchg, so that policing needs no lock and no per-cpu
 * state. The unit is whatever the caller charges: bits for media flows,
 * packets for the SIP mirror.
 */
struct vqos_police {
	atomic64_t tat;		/* ns: when the bucket is full again */
	u64 ns_per_unit;	/* << VQOS_POLICE_SHIFT; 0: not policed */
	u64 tau;		/* ns of credit: the burst at the rate */
};

#define VQOS_POLICE_SHIFT 20

void vqos_police_set(struct vqos_police *p, u64 rate, u64 burst, u64 now);
bool vqos_police_conform(struct vqos_police *p, u32 units, u64 now);
u64 vqos_police_cost(u64 ns_per_unit, u64 units);

#endif /* _VQOS_POLICE_H */
