// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#include "police.h"

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

/*
 * The cost is computed with a 96/128-bit intermediate because a tiny rate
 * (1 bit/s) and a 64 KiB GSO packet overflow 64 bits.
 */
u64 vqos_police_cost(u64 ns_per_unit, u64 units)
{
	return mul_u64_u64_shr(ns_per_unit, units, VQOS_POLICE_SHIFT);
}

/**
 * vqos_police_set - (re)configure a policer
 * @p: the policer
 * @rate: units per second; 0 turns policing off
 * @burst: units that may pass back to back at any rate
 * @now: current time in ns; a new policer starts with a full bucket
 *
 * Reconfiguring keeps the current debt, so a rate change cannot be used to
 * refill the bucket.
 */
void vqos_police_set(struct vqos_police *p, u64 rate, u64 burst, u64 now)
{
	u64 npu = rate ? div64_u64((u64)NSEC_PER_SEC << VQOS_POLICE_SHIFT, rate) : 0;

	/* Above ~1 Tunit/s the per-unit cost rounds to 0: keep it policed. */
	if (rate && !npu)
		npu = 1;
	WRITE_ONCE(p->tau, vqos_police_cost(npu, burst));
	WRITE_ONCE(p->ns_per_unit, npu);
	if (!atomic64_read(&p->tat))
		atomic64_set(&p->tat, now);
}

/**
 * vqos_police_conform - charge @units if they fit in the bucket
 * @p: the policer
 * @units: size of the packet in the policer's unit
 * @now: current time in ns (monotonic)
 *
 * Returns true if the packet conforms and was charged. A packet that does
 * not conform is not charged: demoted traffic must not eat the reservation
 * of the conforming traffic that follows it.
 */
bool vqos_police_conform(struct vqos_police *p, u32 units, u64 now)
{
	u64 npu = READ_ONCE(p->ns_per_unit);
	u64 tau = READ_ONCE(p->tau);
	u64 cost, tat, next;
	s64 old;

	if (!npu)
		return true;
	cost = vqos_police_cost(npu, units);
	old = atomic64_read(&p->tat);
	do {
		/* An idle bucket is full, never fuller. */
		tat = max_t(u64, old, now);
		next = tat + cost;
		if (next - now > tau)
			return false;
	} while (!atomic64_try_cmpxchg(&p->tat, &old, next));
	return true;
}
