// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_rtcp: the SR/RR reader of rtcp.c. Packets are laid out
 * by hand from RFC 3550 6.4, not produced by rtcp.c.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "rtcp.h"

/* SR, one report block: 8 + 20 + 24 = 52 bytes, length field 12. */
static const u8 rtcp_sr[VQOS_RTCP_PARSE_LEN] = {
	0x81, 200, 0x00, 12,		/* V=2, RC=1, SR, 13 words */
	0x11, 0x22, 0x33, 0x44,		/* sender SSRC */
	0xe9, 0x00, 0xab, 0xcd,		/* NTP seconds */
	0xef, 0x01, 0x00, 0x00,		/* NTP fraction */
	0x00, 0x00, 0x10, 0x00,		/* RTP timestamp */
	0x00, 0x00, 0x01, 0x00,		/* sender's packet count */
	0x00, 0x00, 0xa0, 0x00,		/* sender's octet count */
	0x55, 0x66, 0x77, 0x88,		/* block: source SSRC */
	0x40, 0x00, 0x00, 0x05,		/* fraction 64/256, 5 lost */
	0x00, 0x01, 0x02, 0x03,		/* extended highest sequence */
	0x00, 0x00, 0x00, 0xa0,		/* jitter 160 */
	0x12, 0x34, 0x56, 0x78,		/* LSR */
	0x00, 0x01, 0x80, 0x00,		/* DLSR 1.5 s */
};

/* RR, one report block: 8 + 24 = 32 bytes, length field 7. */
static const u8 rtcp_rr[32] = {
	0x81, 201, 0x00, 7,
	0x55, 0x66, 0x77, 0x88,
	0x11, 0x22, 0x33, 0x44,
	0x02, 0xff, 0xff, 0xff,		/* fraction 2, cumulative -1 */
	0x00, 0x00, 0x40, 0x00,
	0x00, 0x00, 0x00, 0x08,
	0xab, 0xcd, 0xef, 0x01,
	0x00, 0x00, 0x40, 0x00,		/* DLSR 0.25 s */
};

static void vqos_rtcp_test_sr(struct kunit *test)
{
	struct vqos_rtcp_report r;

	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rtcp_sr, sizeof(rtcp_sr),
						sizeof(rtcp_sr), &r));
	KUNIT_EXPECT_TRUE(test, r.is_sr);
	KUNIT_EXPECT_TRUE(test, r.has_block);
	KUNIT_EXPECT_EQ(test, r.ssrc, 0x11223344U);
	KUNIT_EXPECT_EQ(test, r.sr_ntp_mid, 0xabcdef01U);
	KUNIT_EXPECT_EQ(test, r.block_ssrc, 0x55667788U);
	KUNIT_EXPECT_EQ(test, r.fraction_lost, 64);
	KUNIT_EXPECT_EQ(test, r.cum_lost, 5);
	KUNIT_EXPECT_EQ(test, r.ext_max_seq, 0x00010203U);
	KUNIT_EXPECT_EQ(test, r.jitter, 160U);
	KUNIT_EXPECT_EQ(test, r.lsr, 0x12345678U);
	KUNIT_EXPECT_EQ(test, r.dlsr, 0x18000U);
}

static void vqos_rtcp_test_rr(struct kunit *test)
{
	struct vqos_rtcp_report r;

	/* The rest of a compound (SDES...) follows: total is larger. */
	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rtcp_rr, sizeof(rtcp_rr),
						sizeof(rtcp_rr) + 20, &r));
	KUNIT_EXPECT_FALSE(test, r.is_sr);
	KUNIT_EXPECT_TRUE(test, r.has_block);
	KUNIT_EXPECT_EQ(test, r.sr_ntp_mid, 0U);
	KUNIT_EXPECT_EQ(test, r.fraction_lost, 2);
	KUNIT_EXPECT_EQ(test, r.cum_lost, -1);
	KUNIT_EXPECT_EQ(test, r.lsr, 0xabcdef01U);
	KUNIT_EXPECT_EQ(test, r.dlsr, 0x4000U);
}

/* An RR with no block (a receiver that has heard nothing yet). */
static void vqos_rtcp_test_empty_rr(struct kunit *test)
{
	static const u8 rr0[8] = { 0x80, 201, 0x00, 1, 1, 2, 3, 4 };
	struct vqos_rtcp_report r;

	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rr0, sizeof(rr0), sizeof(rr0), &r));
	KUNIT_EXPECT_FALSE(test, r.has_block);
	KUNIT_EXPECT_EQ(test, r.ssrc, 0x01020304U);
}

struct rtcp_bad_vector {
	const char *name;
	unsigned int at;	/* byte to change, or ~0 for none */
	u8 value;
	unsigned int len;	/* bytes offered */
	unsigned int total;	/* datagram length */
};

/* Each vector changes the SR above so that it must be refused. */
static const struct rtcp_bad_vector rtcp_bad_vectors[] = {
	{ "empty", ~0U, 0, 0, 0 },
	{ "header cut", ~0U, 0, 7, 7 },
	{ "sender info cut", ~0U, 0, 27, 27 },
	{ "version 1", 0, 0x41, 52, 52 },
	{ "version 3", 0, 0xc1, 52, 52 },
	{ "SDES first", 1, 202, 52, 52 },
	{ "BYE first", 1, 203, 52, 52 },
	{ "RTP PT 0", 1, 0, 52, 52 },
	{ "length past datagram", 3, 13, 52, 52 },
	{ "count past length", 0, 0x82, 52, 52 },
	{ "31 blocks", 0, 0x9f, 52, 52 },
	{ "length too short for count", 3, 6, 52, 52 },
	{ "offered more than datagram", ~0U, 0, 52, 40 },
};

static void rtcp_bad_desc(const struct rtcp_bad_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtcp_bad, rtcp_bad_vectors, rtcp_bad_desc);

static void vqos_rtcp_test_bad(struct kunit *test)
{
	const struct rtcp_bad_vector *v = test->param_value;
	struct vqos_rtcp_report r;
	u8 buf[VQOS_RTCP_PARSE_LEN];

	memcpy(buf, rtcp_sr, sizeof(buf));
	if (v->at != ~0U)
		buf[v->at] = v->value;
	KUNIT_EXPECT_FALSE(test, vqos_rtcp_parse(buf, v->len, v->total, &r));
}

/* A whole SR whose block lies beyond what was offered: header fields only. */
static void vqos_rtcp_test_block_not_offered(struct kunit *test)
{
	struct vqos_rtcp_report r;

	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rtcp_sr, 40, 52, &r));
	KUNIT_EXPECT_TRUE(test, r.is_sr);
	KUNIT_EXPECT_FALSE(test, r.has_block);
	KUNIT_EXPECT_EQ(test, r.sr_ntp_mid, 0xabcdef01U);
}

static void vqos_rtcp_test_update(struct kunit *test)
{
	struct vqos_rtcp_report sr, rr;
	struct vqos_rtcp s = {};

	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rtcp_sr, sizeof(rtcp_sr),
						sizeof(rtcp_sr), &sr));
	KUNIT_ASSERT_TRUE(test, vqos_rtcp_parse(rtcp_rr, sizeof(rtcp_rr),
						sizeof(rtcp_rr), &rr));
	vqos_rtcp_update(&s, &sr, 1000);
	KUNIT_EXPECT_EQ(test, s.packets, 1U);
	KUNIT_EXPECT_TRUE(test, s.have_sr);
	KUNIT_EXPECT_EQ(test, s.sr_seen, 1000U);
	KUNIT_EXPECT_EQ(test, s.rr_seen, 1000U);
	KUNIT_EXPECT_EQ(test, s.cum_lost, 5);

	/* An RR replaces the block, keeps the last SR's timestamp. */
	vqos_rtcp_update(&s, &rr, 5000);
	KUNIT_EXPECT_EQ(test, s.packets, 2U);
	KUNIT_EXPECT_EQ(test, s.sr_ntp_mid, 0xabcdef01U);
	KUNIT_EXPECT_EQ(test, s.sr_seen, 1000U);
	KUNIT_EXPECT_EQ(test, s.rr_seen, 5000U);
	KUNIT_EXPECT_EQ(test, s.ssrc, 0x55667788U);
	KUNIT_EXPECT_EQ(test, s.cum_lost, -1);
	KUNIT_EXPECT_EQ(test, s.dlsr, 0x4000U);
}

static struct kunit_case vqos_rtcp_test_cases[] = {
	KUNIT_CASE(vqos_rtcp_test_sr),
	KUNIT_CASE(vqos_rtcp_test_rr),
	KUNIT_CASE(vqos_rtcp_test_empty_rr),
	KUNIT_CASE_PARAM(vqos_rtcp_test_bad, rtcp_bad_gen_params),
	KUNIT_CASE(vqos_rtcp_test_block_not_offered),
	KUNIT_CASE(vqos_rtcp_test_update),
	{}
};

static struct kunit_suite vqos_rtcp_test_suite = {
	.name = "vqos_rtcp",
	.test_cases = vqos_rtcp_test_cases,
};

kunit_test_suite(vqos_rtcp_test_suite);
