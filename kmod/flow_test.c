// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_flow: the flow table of flow.c exercised through its
 * real rhashtable, in a private struct vqos_net that no hook or netlink
 * socket can see. Needs the module initialised (the flow kmem_cache), which
 * it is by the time KUnit runs the suites of a built-in or loaded object.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/jiffies.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "flow.h"
#include "netns.h"

/* ---- helpers ------------------------------------------------------------- */

static void flow_addr(struct kunit *test, u8 family, const char *s,
		      union vqos_addr *a)
{
	int ok;

	if (!s)		/* wildcard: all zero */
		return;
	if (family == AF_INET)
		ok = in4_pton(s, -1, (u8 *)&a->ip, -1, NULL);
	else
		ok = in6_pton(s, -1, a->ip6.s6_addr, -1, NULL);
	KUNIT_ASSERT_TRUE_MSG(test, ok, "bad address %s", s);
}

/* A key as a constructor must build it: zeroed whole, then filled. */
static struct vqos_flow_key flow_key(struct kunit *test, u8 family,
				     const char *src, u16 sport,
				     const char *dst, u16 dport)
{
	struct vqos_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = family;
	flow_addr(test, family, src, &k.src);
	flow_addr(test, family, dst, &k.dst);
	k.sport = htons(sport);
	k.dport = htons(dport);
	return k;
}

static struct vqos_flow_params flow_params(u64 cookie)
{
	return (struct vqos_flow_params) {
		.cookie = cookie,
		.dscp = 46,
		.clock_rate = 8000,
		.timeout = 3600,	/* the GC must not race the test */
	};
}

static int flow_add(struct kunit *test, const struct vqos_flow_key *k,
		    u64 cookie, bool excl)
{
	struct vqos_flow_params p = flow_params(cookie);

	return vqos_flow_new(test->priv, k, &p, excl, NULL);
}

/*
 * What the hook does: look a packet's key up under RCU. The pointer is only
 * compared or read by the test afterwards, and only the test frees flows.
 */
static struct vqos_flow *flow_get(struct kunit *test,
				  const struct vqos_flow_key *pkt, bool *latched)
{
	struct vqos_flow_key k = *pkt;
	struct vqos_flow *f;
	bool l = false;

	rcu_read_lock();
	f = vqos_flow_lookup(test->priv, &k, &l);
	rcu_read_unlock();
	if (latched)
		*latched = l;
	return f;
}

static u64 flow_cookie_of(struct kunit *test, const struct vqos_flow_key *pkt)
{
	struct vqos_flow *f = flow_get(test, pkt, NULL);

	return f ? f->p.cookie : 0;
}

static int vqos_flow_test_init(struct kunit *test)
{
	struct vqos_net *vn;

	vn = kunit_kzalloc(test, sizeof(*vn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vn);
	vn->net = &init_net;	/* only if a flow expired, which none should */
	KUNIT_ASSERT_EQ(test, vqos_flow_table_init(vn), 0);
	test->priv = vn;
	return 0;
}

static void vqos_flow_test_exit(struct kunit *test)
{
	struct vqos_net *vn = test->priv;

	if (!vn)
		return;
	vqos_flow_table_uninit(vn);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 0U);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&vn->flow_list));
}

/* ---- exact keys ---------------------------------------------------------- */

#define V4 AF_INET
#define V6 AF_INET6

struct flow_match_case {
	const char *name;
	u8 family;
	const char *src;
	u16 sport;
	const char *dst;
	u16 dport;
	u64 cookie;	/* of the flow it must find, 0: none */
};

/* The flows every match case starts with. */
static const struct flow_match_case flow_match_table[] = {
	{ "v4", V4, "10.0.0.1", 4000, "10.0.0.2", 5000, 1 },
	{ "v6", V6, "2001:db8::1", 4000, "2001:db8::2", 5000, 2 },
	{ "v4_mapped_v6", V6, "::ffff:10.0.0.1", 4000, "::ffff:10.0.0.2", 5000, 3 },
	{ "v4_reverse", V4, "10.0.0.2", 5000, "10.0.0.1", 4000, 4 },
};

static const struct flow_match_case flow_match_cases[] = {
	{ "exact_v4", V4, "10.0.0.1", 4000, "10.0.0.2", 5000, 1 },
	{ "exact_v6", V6, "2001:db8::1", 4000, "2001:db8::2", 5000, 2 },
	{ "exact_v4_mapped_v6", V6, "::ffff:10.0.0.1", 4000, "::ffff:10.0.0.2", 5000, 3 },
	{ "exact_v4_reverse", V4, "10.0.0.2", 5000, "10.0.0.1", 4000, 4 },
	{ "v4_wrong_sport", V4, "10.0.0.1", 4001, "10.0.0.2", 5000, 0 },
	{ "v4_wrong_dport", V4, "10.0.0.1", 4000, "10.0.0.2", 5001, 0 },
	{ "v4_wrong_src", V4, "10.0.0.3", 4000, "10.0.0.2", 5000, 0 },
	{ "v4_wrong_dst", V4, "10.0.0.1", 4000, "10.0.1.2", 5000, 0 },
	{ "v4_ports_swapped", V4, "10.0.0.1", 5000, "10.0.0.2", 4000, 0 },
	{ "v4_addrs_swapped", V4, "10.0.0.2", 4000, "10.0.0.1", 5000, 0 },
	{ "v6_wrong_sport", V6, "2001:db8::1", 4001, "2001:db8::2", 5000, 0 },
	{ "v6_wrong_src_low", V6, "2001:db8::3", 4000, "2001:db8::2", 5000, 0 },
	{ "v6_wrong_src_high", V6, "2001:db9::1", 4000, "2001:db8::2", 5000, 0 },
	{ "v6_wrong_dst", V6, "2001:db8::1", 4000, "2001:db8:0:1::2", 5000, 0 },
	/* The IPv4 flow's bytes, but as IPv6: the family is part of the key. */
	{ "v4_bytes_as_v6", V6, "a00:1::", 4000, "a00:2::", 5000, 0 },
	{ "v4_mapped_wrong_dst", V6, "::ffff:10.0.0.1", 4000, "::ffff:10.0.0.3", 5000, 0 },
	{ "v4_compat_not_mapped", V6, "::10.0.0.1", 4000, "::10.0.0.2", 5000, 0 },
};

static void flow_match_desc(const struct flow_match_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flow_match, flow_match_cases, flow_match_desc);

static void vqos_flow_test_match(struct kunit *test)
{
	const struct flow_match_case *c = test->param_value;
	struct vqos_net *vn = test->priv;
	struct vqos_flow_key k;
	struct vqos_flow *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flow_match_table); i++) {
		const struct flow_match_case *t = &flow_match_table[i];

		k = flow_key(test, t->family, t->src, t->sport, t->dst, t->dport);
		KUNIT_ASSERT_FALSE(test, vqos_flow_key_is_wild(&k));
		KUNIT_ASSERT_EQ(test, flow_add(test, &k, t->cookie, true), 0);
	}
	KUNIT_EXPECT_EQ(test, vn->n_flows, (unsigned int)ARRAY_SIZE(flow_match_table));
	KUNIT_EXPECT_EQ(test, vn->n_wild, 0U);

	k = flow_key(test, c->family, c->src, c->sport, c->dst, c->dport);
	f = flow_get(test, &k, NULL);
	if (!c->cookie) {
		KUNIT_EXPECT_NULL(test, f);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->p.cookie, c->cookie);
	KUNIT_EXPECT_EQ(test, memcmp(&f->key, &k, sizeof(k)), 0);
}

/* ---- wildcard sources ---------------------------------------------------- */

struct flow_pkt {
	const char *src;
	u16 sport;
	bool match;
	bool latches;
};

struct flow_wild_case {
	const char *name;
	u8 family;
	const char *src;	/* NULL: any address */
	u16 sport;		/* 0: any port */
	const char *latched;	/* the source it ends latched to */
	u16 latched_port;
	struct flow_pkt pkt[6];
};

#define DST4 "192.0.2.10"
#define DST6 "2001:db8:1::10"

static const struct flow_wild_case flow_wild_cases[] = {
	{ "any_v4", V4, NULL, 0, "198.51.100.1", 1000, {
		{ "198.51.100.1", 1000, true, true },
		{ "198.51.100.1", 1000, true, false },
		{ "198.51.100.1", 1001, false, false },
		{ "198.51.100.2", 1000, false, false },
		{ "198.51.100.1", 1000, true, false } } },
	{ "addr_only_v4", V4, "198.51.100.1", 0, "198.51.100.1", 1234, {
		{ "198.51.100.2", 1234, false, false },
		{ "198.51.100.1", 1234, true, true },
		{ "198.51.100.1", 1234, true, false },
		{ "198.51.100.1", 1235, false, false },
		{ "198.51.100.2", 1234, false, false } } },
	{ "port_only_v4", V4, NULL, 1000, "198.51.100.7", 1000, {
		{ "198.51.100.1", 999, false, false },
		{ "198.51.100.7", 1000, true, true },
		{ "198.51.100.7", 1000, true, false },
		{ "198.51.100.1", 1000, false, false },
		{ "198.51.100.7", 1001, false, false } } },
	{ "any_v6", V6, NULL, 0, "2001:db8:2::1", 1000, {
		{ "2001:db8:2::1", 1000, true, true },
		{ "2001:db8:2::1", 1000, true, false },
		{ "2001:db8:2::2", 1000, false, false },
		{ "::ffff:198.51.100.1", 1000, false, false } } },
	{ "addr_only_v6", V6, "2001:db8:2::1", 0, "2001:db8:2::1", 40000, {
		{ "2001:db8:2::2", 40000, false, false },
		{ "2001:db8:2::1", 40000, true, true },
		{ "2001:db8:2::1", 40002, false, false } } },
	{ "port_only_v6", V6, NULL, 1000, "2001:db8:2::5", 1000, {
		{ "2001:db8:2::5", 1001, false, false },
		{ "2001:db8:2::5", 1000, true, true },
		{ "2001:db8:2::6", 1000, false, false } } },
};

static void flow_wild_desc(const struct flow_wild_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flow_wild, flow_wild_cases, flow_wild_desc);

static void vqos_flow_test_wild(struct kunit *test)
{
	const struct flow_wild_case *c = test->param_value;
	const char *dst = c->family == V4 ? DST4 : DST6;
	struct vqos_net *vn = test->priv;
	union vqos_addr want = {};
	struct vqos_flow_key k;
	struct vqos_flow *flow, *f;
	unsigned int i;
	bool latched;

	k = flow_key(test, c->family, c->src, c->sport, dst, 6000);
	KUNIT_ASSERT_TRUE(test, vqos_flow_key_is_wild(&k));
	KUNIT_ASSERT_EQ(test, flow_add(test, &k, 1, true), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 1U);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 1U);

	/* The flow as netlink finds it, by its own source specification. */
	mutex_lock(&vn->lock);
	flow = vqos_flow_find_locked(vn, &k);
	mutex_unlock(&vn->lock);
	/* Stored under the destination alone. */
	KUNIT_ASSERT_NOT_NULL(test, flow);
	k = flow_key(test, c->family, NULL, 0, dst, 6000);
	KUNIT_EXPECT_EQ(test, memcmp(&flow->key, &k, sizeof(k)), 0);
	KUNIT_EXPECT_FALSE(test, test_bit(VQOS_FLOW_LATCHED, &flow->state));

	for (i = 0; i < ARRAY_SIZE(c->pkt) && c->pkt[i].src; i++) {
		const struct flow_pkt *p = &c->pkt[i];

		k = flow_key(test, c->family, p->src, p->sport, dst, 6000);
		f = flow_get(test, &k, &latched);
		KUNIT_EXPECT_PTR_EQ_MSG(test, f, p->match ? flow : NULL,
					"packet %u from %s:%u", i, p->src, p->sport);
		KUNIT_EXPECT_EQ_MSG(test, latched, p->latches,
				    "packet %u from %s:%u", i, p->src, p->sport);
		/* Another destination port never reaches the wildcard. */
		k = flow_key(test, c->family, p->src, p->sport, dst, 6001);
		KUNIT_EXPECT_NULL(test, flow_get(test, &k, NULL));
	}

	KUNIT_EXPECT_TRUE(test, test_bit(VQOS_FLOW_LATCHED, &flow->state));
	flow_addr(test, c->family, c->latched, &want);
	KUNIT_EXPECT_EQ(test, memcmp(&flow->src, &want,
				     c->family == V4 ? 4 : 16), 0);
	KUNIT_EXPECT_EQ(test, ntohs(flow->sport), c->latched_port);
}

static const struct {
	const char *src;
	u16 sport;
	bool wild;
} flow_wild_keys[] = {
	{ NULL, 0, true }, { "10.1.1.1", 0, true }, { NULL, 9, true },
	{ "10.1.1.1", 9, false }, { "0.0.0.1", 1, false },
};

static void vqos_flow_test_key_is_wild(struct kunit *test)
{
	struct vqos_flow_key k;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flow_wild_keys); i++) {
		k = flow_key(test, V4, flow_wild_keys[i].src, flow_wild_keys[i].sport,
			     DST4, 1);
		KUNIT_EXPECT_EQ_MSG(test, vqos_flow_key_is_wild(&k), flow_wild_keys[i].wild,
				    "key %u", i);
	}
	k = flow_key(test, V6, "::1", 0, DST6, 1);
	KUNIT_EXPECT_TRUE(test, vqos_flow_key_is_wild(&k));
	k = flow_key(test, V6, "::1", 1, DST6, 1);
	KUNIT_EXPECT_FALSE(test, vqos_flow_key_is_wild(&k));
	k = flow_key(test, V6, "::", 1, DST6, 1);
	KUNIT_EXPECT_TRUE(test, vqos_flow_key_is_wild(&k));
}

/* An exact flow wins over a wildcard on the same destination. */
static void vqos_flow_test_exact_beats_wild(struct kunit *test)
{
	struct vqos_flow_key wild = flow_key(test, V4, NULL, 0, DST4, 6000);
	struct vqos_flow_key exact = flow_key(test, V4, "198.51.100.1", 1000, DST4, 6000);
	struct vqos_flow_key other = flow_key(test, V4, "198.51.100.2", 2000, DST4, 6000);
	bool latched;

	KUNIT_ASSERT_EQ(test, flow_add(test, &wild, 1, true), 0);
	KUNIT_ASSERT_EQ(test, flow_add(test, &exact, 2, true), 0);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &exact), 2ULL);
	/* The exact flow's packets did not latch the wildcard... */
	KUNIT_EXPECT_NOT_NULL(test, flow_get(test, &other, &latched));
	KUNIT_EXPECT_TRUE(test, latched);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &other), 1ULL);
	/* ...and still find their own flow once it is latched. */
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &exact), 2ULL);
	KUNIT_EXPECT_EQ(test, ((struct vqos_net *)test->priv)->n_wild, 1U);
}

/* ---- replace, excl, limits, delete ---------------------------------------- */

static void vqos_flow_test_replace(struct kunit *test)
{
	struct vqos_flow_key k = flow_key(test, V4, "10.0.0.1", 4000, "10.0.0.2", 5000);
	struct vqos_flow_params p = flow_params(1);
	struct vqos_net *vn = test->priv;
	struct vqos_flow *f, *g;
	u32 gen;

	KUNIT_ASSERT_EQ(test, vqos_flow_new(vn, &k, &p, false, NULL), 0);
	f = flow_get(test, &k, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	atomic64_set(&f->packets, 10);
	atomic64_set(&f->bytes, 1720);
	atomic64_set(&f->policed_packets, 3);
	atomic64_set(&f->policed_bytes, 516);
	f->rtp.received = 9;

	gen = vn->gen;
	p.cookie = 9;
	p.dscp = 34;
	p.rate = 64000;
	p.burst = 1500;
	p.priority = 0x10010;
	KUNIT_ASSERT_EQ(test, vqos_flow_new(vn, &k, &p, false, NULL), 0);
	g = flow_get(test, &k, NULL);
	KUNIT_EXPECT_PTR_EQ(test, g, f);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 1U);
	KUNIT_EXPECT_NE(test, vn->gen, gen);
	KUNIT_EXPECT_EQ(test, f->p.cookie, 9ULL);
	KUNIT_EXPECT_EQ(test, f->p.dscp, 34);
	KUNIT_EXPECT_EQ(test, f->p.rate, 64000ULL);
	KUNIT_EXPECT_EQ(test, f->p.priority, 0x10010U);
	KUNIT_EXPECT_NE(test, f->police.ns_per_unit, 0ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), 10LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->bytes), 1720LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->policed_packets), 3LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->policed_bytes), 516LL);
	KUNIT_EXPECT_EQ(test, f->rtp.received, 9ULL);
}

/*
 * A latched wildcard flow replaced with the same source specification keeps
 * its latch; with another one it becomes a new, unlatched object that keeps
 * the counters and enforces the new specification.
 */
static void vqos_flow_test_replace_wild(struct kunit *test)
{
	struct vqos_flow_key any = flow_key(test, V4, NULL, 0, DST4, 6000);
	struct vqos_flow_key port = flow_key(test, V4, NULL, 2000, DST4, 6000);
	struct vqos_flow_key a = flow_key(test, V4, "198.51.100.1", 1000, DST4, 6000);
	struct vqos_flow_key b = flow_key(test, V4, "198.51.100.2", 2000, DST4, 6000);
	struct vqos_net *vn = test->priv;
	struct vqos_flow *f, *g;
	bool latched;

	KUNIT_ASSERT_EQ(test, flow_add(test, &any, 1, false), 0);
	f = flow_get(test, &a, &latched);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, latched);
	atomic64_set(&f->packets, 5);
	atomic64_set(&f->bytes, 500);

	KUNIT_ASSERT_EQ(test, flow_add(test, &any, 2, false), 0);
	KUNIT_EXPECT_PTR_EQ(test, flow_get(test, &a, &latched), f);
	KUNIT_EXPECT_FALSE(test, latched);
	KUNIT_EXPECT_NULL(test, flow_get(test, &b, NULL));
	KUNIT_EXPECT_EQ(test, f->p.cookie, 2ULL);

	KUNIT_ASSERT_EQ(test, flow_add(test, &port, 3, false), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 1U);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 1U);
	/* a's port is not 2000: no longer this flow's */
	KUNIT_EXPECT_NULL(test, flow_get(test, &a, NULL));
	g = flow_get(test, &b, &latched);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_EXPECT_PTR_NE(test, g, f);	/* f is freed after a grace period */
	KUNIT_EXPECT_TRUE(test, latched);
	KUNIT_EXPECT_EQ(test, g->p.cookie, 3ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&g->packets), 5LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&g->bytes), 500LL);
}

static void vqos_flow_test_excl(struct kunit *test)
{
	struct vqos_flow_key k = flow_key(test, V6, "2001:db8::1", 4000, "2001:db8::2", 5000);
	struct vqos_flow_key w = flow_key(test, V6, NULL, 0, "2001:db8::2", 5000);
	struct vqos_flow_params p = flow_params(1);
	struct vqos_net *vn = test->priv;
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_EQ(test, vqos_flow_new(vn, &k, &p, true, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);
	p.cookie = 2;
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k, &p, true, &extack), -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k, &p, true, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &k), 1ULL);

	/* A wildcard on the same destination is another key. */
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &w, &p, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &w, &p, true, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 2U);
}

static void vqos_flow_test_max_flows(struct kunit *test)
{
	const unsigned int saved = vqos_max_flows;
	struct vqos_net *vn = test->priv;
	struct netlink_ext_ack extack = {};
	struct vqos_flow_params p = flow_params(5);
	struct vqos_flow_key k[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		k[i] = flow_key(test, V4, i == 2 ? NULL : "10.0.0.1", 4000 + i,
				"10.0.0.2", 5000);

	WRITE_ONCE(vqos_max_flows, 0);
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k[0], &p, false, NULL), -ENOSPC);

	WRITE_ONCE(vqos_max_flows, 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k[i], &p, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k[3], &p, false, &extack), -ENOSPC);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NULL(test, flow_get(test, &k[3], NULL));
	KUNIT_EXPECT_EQ(test, vn->n_flows, 3U);
	/* Replacing a flow of a full table is fine. */
	p.cookie = 6;
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k[1], &p, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &k[1]), 6ULL);
	/* A slot freed is a slot usable. */
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &k[0]), 0);
	KUNIT_EXPECT_EQ(test, vqos_flow_new(vn, &k[3], &p, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 3U);

	WRITE_ONCE(vqos_max_flows, saved);
}

static void vqos_flow_test_del(struct kunit *test)
{
	struct vqos_flow_key k4 = flow_key(test, V4, "10.0.0.1", 4000, "10.0.0.2", 5000);
	struct vqos_flow_key k6 = flow_key(test, V6, "2001:db8::1", 4000, "2001:db8::2", 5000);
	struct vqos_flow_key wa = flow_key(test, V4, "10.0.0.9", 0, "10.0.0.2", 5002);
	struct vqos_flow_key wany = flow_key(test, V4, NULL, 0, "10.0.0.2", 5002);
	struct vqos_flow_key wp = flow_key(test, V4, NULL, 9, "10.0.0.2", 5002);
	struct vqos_flow_key pkt = flow_key(test, V4, "10.0.0.9", 9, "10.0.0.2", 5002);
	struct vqos_net *vn = test->priv;

	KUNIT_ASSERT_EQ(test, flow_add(test, &k4, 1, true), 0);
	KUNIT_ASSERT_EQ(test, flow_add(test, &k6, 2, true), 0);
	KUNIT_ASSERT_EQ(test, flow_add(test, &wa, 3, true), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 3U);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 1U);

	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &k4), 0);
	KUNIT_EXPECT_NULL(test, flow_get(test, &k4, NULL));
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &k4), -ENOENT);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &k6), 2ULL);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 2U);

	/* A wildcard is deleted by its own source specification only. */
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &wany), -ENOENT);
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &wp), -ENOENT);
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &pkt), -ENOENT);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &pkt), 3ULL);	/* latches */
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &wa), 0);
	KUNIT_EXPECT_NULL(test, flow_get(test, &pkt, NULL));
	KUNIT_EXPECT_EQ(test, vn->n_wild, 0U);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 1U);
}

static void vqos_flow_test_del_cookie(struct kunit *test)
{
	struct vqos_flow_key k[5];
	struct vqos_net *vn = test->priv;
	unsigned int i;

	k[0] = flow_key(test, V4, "10.0.0.1", 4000, "10.0.0.2", 5000);
	k[1] = flow_key(test, V6, "2001:db8::1", 4000, "2001:db8::2", 5000);
	k[2] = flow_key(test, V4, NULL, 0, "10.0.0.2", 5002);
	k[3] = flow_key(test, V6, NULL, 4000, "2001:db8::2", 5002);
	k[4] = flow_key(test, V4, "10.0.0.1", 4002, "10.0.0.2", 5000);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, flow_add(test, &k[i], i == 4 ? 8 : 7, true), 0);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 2U);

	KUNIT_EXPECT_EQ(test, vqos_flow_del_cookie(vn, 9), -ENOENT);
	KUNIT_EXPECT_EQ(test, vqos_flow_del_cookie(vn, 7), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 1U);
	KUNIT_EXPECT_EQ(test, vn->n_wild, 0U);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &k[i]), -ENOENT);
	KUNIT_EXPECT_EQ(test, vqos_flow_del_cookie(vn, 7), -ENOENT);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &k[4]), 8ULL);
	KUNIT_EXPECT_EQ(test, vqos_flow_del_cookie(vn, 8), 0);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 0U);
}

/* Many flows: the table grows (and rehashes) without losing any. */
static void vqos_flow_test_many(struct kunit *test)
{
	struct vqos_net *vn = test->priv;
	struct vqos_flow_key k;
	unsigned int i, found = 0;
	char src[16];

	for (i = 0; i < 2000; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.1", i >> 8, i & 0xff);
		k = flow_key(test, V4, src, 10000 + i, "10.255.0.1", 5000);
		KUNIT_ASSERT_EQ(test, flow_add(test, &k, i + 1, true), 0);
	}
	for (i = 0; i < 2000; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.1", i >> 8, i & 0xff);
		k = flow_key(test, V4, src, 10000 + i, "10.255.0.1", 5000);
		found += flow_cookie_of(test, &k) == i + 1;
	}
	KUNIT_EXPECT_EQ(test, found, 2000U);
	KUNIT_EXPECT_EQ(test, vn->n_flows, 2000U);
}

/* ---- idle decision --------------------------------------------------------- */

struct flow_idle_case {
	const char *name;
	unsigned long last_seen, now, timeout;
	bool idle;
};

static const struct flow_idle_case flow_idle_cases[] = {
	{ "fresh", 1000, 1000, 60 * HZ, false },
	{ "one_jiffy_short", 1000, 1000 + 60 * HZ - 1, 60 * HZ, false },
	{ "exactly_timeout", 1000, 1000 + 60 * HZ, 60 * HZ, true },
	{ "long_after", 1000, 1000 + 3600 * HZ, 60 * HZ, true },
	{ "zero_timeout", 1000, 1000, 0, true },
	/* A packet seen after the GC read jiffies: not idle. */
	{ "seen_after_now", 1001, 1000, 0, false },
	/* jiffies wrapped since the last packet: 31 jiffies elapsed */
	{ "wrap_short", ULONG_MAX - 10, 20, 32, false },
	{ "wrap_exact", ULONG_MAX - 10, 20, 31, true },
	{ "wrap_long", ULONG_MAX - 10, 20, 30, true },
	/* last_seen + timeout wraps, now does not */
	{ "deadline_wraps", ULONG_MAX - 10, ULONG_MAX - 5, 60 * HZ, false },
	/* INITIAL_JIFFIES: 5 min before the (32-bit) wrap on purpose */
	{ "initial_jiffies", INITIAL_JIFFIES, INITIAL_JIFFIES + 300 * HZ, 300 * HZ, true },
	{ "initial_jiffies_short", INITIAL_JIFFIES, INITIAL_JIFFIES + 299 * HZ, 300 * HZ, false },
	/* the largest timeout the UAPI allows still counts as idle eventually */
	{ "huge_timeout_not_yet", 0, 100 * HZ, (unsigned long)U32_MAX * HZ, false },
};

static void flow_idle_desc(const struct flow_idle_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flow_idle, flow_idle_cases, flow_idle_desc);

static void vqos_flow_test_idle(struct kunit *test)
{
	const struct flow_idle_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vqos_flow_idle(c->last_seen, c->now, c->timeout), c->idle);
}

/* The destination port filter counts flows per port and never forgets a busy one. */
static void vqos_flow_test_port_filter(struct kunit *test)
{
	struct vqos_flow_key a = flow_key(test, V4, "10.0.0.1", 4000, "10.0.0.2", 5000);
	struct vqos_flow_key b = flow_key(test, V4, "10.0.0.3", 4000, "10.0.0.2", 5000);
	struct vqos_net *vn = test->priv;
	struct vqos_flow_key k;
	const u8 *refs;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, flow_add(test, &a, 1, true), 0);
	KUNIT_ASSERT_EQ(test, flow_add(test, &b, 2, true), 0);
	refs = rcu_dereference_protected(vn->dport_refs, true);
	KUNIT_ASSERT_NOT_NULL(test, refs);
	KUNIT_EXPECT_EQ(test, refs[5000], 2);
	KUNIT_EXPECT_EQ(test, refs[4000], 0);
	/* Replacing a flow does not count its port twice. */
	KUNIT_ASSERT_EQ(test, flow_add(test, &b, 3, false), 0);
	KUNIT_EXPECT_EQ(test, refs[5000], 2);

	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &a), 0);
	KUNIT_EXPECT_EQ(test, refs[5000], 1);
	KUNIT_EXPECT_EQ(test, flow_cookie_of(test, &b), 3ULL);
	KUNIT_EXPECT_EQ(test, vqos_flow_del(vn, &b), 0);
	KUNIT_EXPECT_EQ(test, refs[5000], 0);
	KUNIT_EXPECT_NULL(test, flow_get(test, &b, NULL));

	/* 300 flows on one port: the count sticks at 255 and stays after they go. */
	for (i = 0; i < 300; i++) {
		k = flow_key(test, V4, "10.0.0.1", 1000 + i, "10.0.0.2", 6000);
		KUNIT_ASSERT_EQ(test, flow_add(test, &k, 77, true), 0);
	}
	KUNIT_EXPECT_EQ(test, refs[6000], U8_MAX);
	KUNIT_EXPECT_EQ(test, vqos_flow_del_cookie(vn, 77), 0);
	KUNIT_EXPECT_EQ(test, refs[6000], U8_MAX);
	KUNIT_EXPECT_NULL(test, flow_get(test, &k, NULL));
}

static struct kunit_case vqos_flow_test_cases[] = {
	KUNIT_CASE_PARAM(vqos_flow_test_match, flow_match_gen_params),
	KUNIT_CASE_PARAM(vqos_flow_test_wild, flow_wild_gen_params),
	KUNIT_CASE(vqos_flow_test_key_is_wild),
	KUNIT_CASE(vqos_flow_test_exact_beats_wild),
	KUNIT_CASE(vqos_flow_test_replace),
	KUNIT_CASE(vqos_flow_test_replace_wild),
	KUNIT_CASE(vqos_flow_test_excl),
	KUNIT_CASE(vqos_flow_test_max_flows),
	KUNIT_CASE(vqos_flow_test_del),
	KUNIT_CASE(vqos_flow_test_del_cookie),
	KUNIT_CASE(vqos_flow_test_many),
	KUNIT_CASE(vqos_flow_test_port_filter),
	KUNIT_CASE_PARAM(vqos_flow_test_idle, flow_idle_gen_params),
	{}
};

static struct kunit_suite vqos_flow_test_suite = {
	.name = "vqos_flow",
	.init = vqos_flow_test_init,
	.exit = vqos_flow_test_exit,
	.test_cases = vqos_flow_test_cases,
};

kunit_test_suite(vqos_flow_test_suite);
