// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_police: the GCRA token bucket of police.c, driven with
 * explicit timestamps. Expected values come from token bucket arithmetic
 * (a packet of U units at R units/s costs U * 10^9 / R ns; a bucket of B
 * units holds B * 10^9 / R ns of credit), not from police.c.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "police.h"

/* An arbitrary, non-zero start: a policer is configured "now". */
#define T0 (1000ULL * NSEC_PER_SEC)
#define MSEC(x) ((u64)(x) * NSEC_PER_MSEC)

struct police_cost_case {
	const char *name;
	u64 rate;	/* units/s */
	u64 units;
	u64 lo, hi;	/* expected cost in ns, inclusive */
};

/*
 * Exact where units * 10^9 / rate is an integer and the per-unit cost is
 * exact in the 20-bit fixed point; otherwise the truncations of the fixed
 * point may only make the cost smaller, by less than units / 2^20 ns + 1.
 */
static const struct police_cost_case police_cost_cases[] = {
	{ "1bps_1bit", 1, 1, NSEC_PER_SEC, NSEC_PER_SEC },
	/* 64 KiB GSO packet at 1 bit/s: 2^19 * 10^9 * 2^20 needs > 64 bits */
	{ "1bps_64KiB", 1, 65536 * 8, 524288ULL * NSEC_PER_SEC, 524288ULL * NSEC_PER_SEC },
	{ "1bps_u32max", 1, U32_MAX, (u64)U32_MAX * NSEC_PER_SEC, (u64)U32_MAX * NSEC_PER_SEC },
	{ "3bps_1bit", 3, 1, 333333332, 333333333 },
	{ "8kbps_1byte", 8000, 8, MSEC(1), MSEC(1) },
	{ "64kbps_160B", 64000, 1280, MSEC(20), MSEC(20) },
	{ "1Mbps_1500B", 1000000, 12000, MSEC(12), MSEC(12) },
	{ "1Gbps_1500B", 1000000000, 12000, 12000, 12000 },
	/* 5242.88 ns exactly */
	{ "100Gbps_64KiB", 100000000000ULL, 65536 * 8, 5242, 5243 },
	{ "100Gbps_1500B", 100000000000ULL, 12000, 119, 120 },
};

static void police_cost_desc(const struct police_cost_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(police_cost, police_cost_cases, police_cost_desc);

static void vqos_police_test_cost(struct kunit *test)
{
	const struct police_cost_case *c = test->param_value;
	struct vqos_police p = {};
	u64 cost;

	vqos_police_set(&p, c->rate, 0, T0);
	KUNIT_ASSERT_NE(test, p.ns_per_unit, 0ULL);
	cost = vqos_police_cost(p.ns_per_unit, c->units);
	KUNIT_EXPECT_GE(test, cost, c->lo);
	KUNIT_EXPECT_LE(test, cost, c->hi);

	/* The same through the bucket: a burst of exactly one such packet. */
	vqos_police_set(&p, c->rate, c->units, T0);
	KUNIT_EXPECT_EQ(test, p.tau, cost);
}

static void vqos_police_test_rate0(struct kunit *test)
{
	struct vqos_police p = {};
	int i;

	vqos_police_set(&p, 0, 0, T0);
	KUNIT_EXPECT_EQ(test, p.ns_per_unit, 0ULL);
	for (i = 0; i < 1000; i++)
		KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, U32_MAX, T0));
	/* Nothing is charged when nothing is policed. */
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&p.tat), T0);
}

/* 1 bit/s, one 64 KiB packet of burst: the next fits 524288 s later. */
static void vqos_police_test_tiny_rate(struct kunit *test)
{
	const u64 bits = 65536 * 8, c = bits * NSEC_PER_SEC;
	struct vqos_police p = {};

	vqos_police_set(&p, 1, bits, T0);
	KUNIT_EXPECT_EQ(test, p.tau, c);
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 1, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, T0 + c - 1));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0 + c));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 1, T0 + c));
}

/* 100 Gbit/s: 64 KiB packets, 10 of burst, then one per 5.24 us. */
static void vqos_police_test_huge_rate(struct kunit *test)
{
	const u64 bits = 65536 * 8;
	struct vqos_police p = {};
	u64 c, now;
	int i;

	vqos_police_set(&p, 100000000000ULL, 10 * bits, T0);
	c = vqos_police_cost(p.ns_per_unit, bits);
	KUNIT_ASSERT_GE(test, c, 5242ULL);
	KUNIT_ASSERT_LE(test, c, 5243ULL);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, T0));
	/* A million packets at the rate: all conform, none carries over. */
	for (i = 1, now = T0; i <= 1000000; i++) {
		now += c;
		if (!vqos_police_conform(&p, bits, now)) {
			KUNIT_FAIL(test, "packet %d at the rate did not conform", i);
			break;
		}
	}
	/* (A few bits cost less than the rounding slack of 10 packets.) */
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, now));
}

/* 64 kbit/s, 1000 bytes of burst: 8000 bits fit at once, 8008 do not. */
static void vqos_police_test_burst_edge(struct kunit *test)
{
	struct vqos_police p = {}, q = {};
	int i;

	vqos_police_set(&p, 64000, 8000, T0);
	KUNIT_EXPECT_EQ(test, p.tau, MSEC(125));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 8008, T0));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 8000, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 8, T0));

	/* The same burst as ten 100-byte packets back to back. */
	vqos_police_set(&q, 64000, 8000, T0);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, vqos_police_conform(&q, 800, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&q, 8, T0));
	/* 1 ms later, exactly 1 ms worth (64 bits) fits again, no more. */
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&q, 64, T0 + MSEC(1)));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&q, 8, T0 + MSEC(1)));
}

/* An hour idle refills the bucket to the burst, not to an hour's worth. */
static void vqos_police_test_idle_refill(struct kunit *test)
{
	const u64 later = T0 + 3600ULL * NSEC_PER_SEC;
	struct vqos_police p = {};
	int i;

	vqos_police_set(&p, 64000, 8000, T0);
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 8000, T0));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 8, T0));

	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 800, later));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 8, later));
	/* Also when the idle time is not a multiple of anything. */
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 8000, later + 123456789123ULL));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 1, later + 123456789123ULL));
}

struct police_stream_case {
	const char *name;
	u32 burst_pkts;		/* bucket, in packets */
	u32 speed;		/* 1: at the rate, 2: at twice the rate */
	u32 n;			/* packets sent */
};

static const struct police_stream_case police_stream_cases[] = {
	{ "1x_burst1", 1, 1, 1000 },
	{ "1x_burst3", 3, 1, 1000 },
	{ "2x_burst1_even", 1, 2, 1000 },
	{ "2x_burst1_odd", 1, 2, 1001 },
	{ "2x_burst2", 2, 2, 10 },
	{ "2x_burst5", 5, 2, 1000 },
	{ "2x_burst5_short", 5, 2, 3 },
	{ "2x_burst50", 50, 2, 3000 },
};

static void police_stream_desc(const struct police_stream_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(police_stream, police_stream_cases, police_stream_desc);

/*
 * G.711 at 20 ms: 160-byte packets, policed at 64 kbit/s so that one packet
 * costs exactly 20 ms. Sent every 20 ms / speed for (n - 1) * 20 / speed ms,
 * a bucket of k packets lets through k + (time elapsed) / 20 ms packets,
 * capped by what was sent: min(n, k + (n - 1) / speed).
 */
static void vqos_police_test_stream(struct kunit *test)
{
	const struct police_stream_case *c = test->param_value;
	const u32 bits = 160 * 8;
	struct vqos_police p = {};
	u32 i, ok = 0, expect;
	u64 now;

	vqos_police_set(&p, 64000, (u64)c->burst_pkts * bits, T0);
	KUNIT_ASSERT_EQ(test, vqos_police_cost(p.ns_per_unit, bits), MSEC(20));
	for (i = 0; i < c->n; i++) {
		now = T0 + div_u64((u64)i * MSEC(20), c->speed);
		ok += vqos_police_conform(&p, bits, now);
	}
	expect = min(c->n, c->burst_pkts + (c->n - 1) / c->speed);
	KUNIT_EXPECT_EQ(test, ok, expect);
}

/*
 * Demoted packets are not charged: a flood of non-conforming packets does
 * not delay the next conforming one.
 */
static void vqos_police_test_no_charge(struct kunit *test)
{
	const u32 bits = 160 * 8;
	struct vqos_police p = {};
	u64 tat;
	int i;

	vqos_police_set(&p, 64000, bits, T0);
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0));
	tat = atomic64_read(&p.tat);
	for (i = 1; i < 20000; i++)
		KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, T0 + i));
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&p.tat), tat);
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0 + MSEC(20)));
	/* A huge packet that cannot fit does not eat the bucket either. */
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, U32_MAX, T0 + MSEC(40)));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0 + MSEC(40)));
}

/* Reconfiguring keeps the debt: it cannot be used to refill the bucket. */
static void vqos_police_test_reconfigure(struct kunit *test)
{
	const u32 bits = 160 * 8;
	struct vqos_police p = {}, fresh = {};

	vqos_police_set(&p, 64000, 4 * bits, T0);
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 4 * bits, T0));
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&p.tat), T0 + MSEC(80));

	/* Twice the rate, same burst in bits (40 ms of credit). */
	vqos_police_set(&p, 128000, 4 * bits, T0 + MSEC(1));
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&p.tat), T0 + MSEC(80));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, T0 + MSEC(1)));
	/* Debt 80 ms - t; one packet now costs 10 ms; fits once t >= 50 ms. */
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, bits, T0 + MSEC(50) - 1));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, bits, T0 + MSEC(50)));

	/* A new policer with that configuration would have let it through. */
	vqos_police_set(&fresh, 128000, 4 * bits, T0 + MSEC(1));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&fresh, 4 * bits, T0 + MSEC(1)));

	/* Turning policing off and on again keeps the debt as well. */
	vqos_police_set(&p, 0, 0, T0 + MSEC(50));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, U32_MAX, T0 + MSEC(50)));
	vqos_police_set(&p, 128000, 4 * bits, T0 + MSEC(50));
	KUNIT_EXPECT_FALSE(test, vqos_police_conform(&p, 4 * bits, T0 + MSEC(90) - 1));
	KUNIT_EXPECT_TRUE(test, vqos_police_conform(&p, 4 * bits, T0 + MSEC(90)));
}

static struct kunit_case vqos_police_test_cases[] = {
	KUNIT_CASE_PARAM(vqos_police_test_cost, police_cost_gen_params),
	KUNIT_CASE(vqos_police_test_rate0),
	KUNIT_CASE(vqos_police_test_tiny_rate),
	KUNIT_CASE(vqos_police_test_huge_rate),
	KUNIT_CASE(vqos_police_test_burst_edge),
	KUNIT_CASE(vqos_police_test_idle_refill),
	KUNIT_CASE_PARAM(vqos_police_test_stream, police_stream_gen_params),
	KUNIT_CASE(vqos_police_test_no_charge),
	KUNIT_CASE(vqos_police_test_reconfigure),
	{}
};

static struct kunit_suite vqos_police_test_suite = {
	.name = "vqos_police",
	.test_cases = vqos_police_test_cases,
};

kunit_test_suite(vqos_police_test_suite);
