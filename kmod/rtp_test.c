// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_rtp: RTP header parsing and the RFC 3550 receiver
 * state of rtp.c (sequence accounting, A.1; interarrival jitter, A.8).
 * Expected values are worked out from the RFC, not from rtp.c.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "rtp.h"

/* ---- parsing ---------------------------------------------------------- */

static const u8 rtp_pkt[VQOS_RTP_HDR_LEN] = {
	0x80, 0x00, 0x12, 0x34,		/* V=2, PT 0 (PCMU), seq 0x1234 */
	0xde, 0xad, 0xbe, 0xef,		/* timestamp */
	0xca, 0xfe, 0xba, 0xbe,		/* SSRC */
};

static void vqos_rtp_test_parse(struct kunit *test)
{
	struct vqos_rtp_hdr h = {};
	u8 buf[VQOS_RTP_HDR_LEN + 4];

	KUNIT_ASSERT_TRUE(test, vqos_rtp_parse(rtp_pkt, sizeof(rtp_pkt), &h));
	KUNIT_EXPECT_EQ(test, h.seq, 0x1234);
	KUNIT_EXPECT_EQ(test, h.ts, 0xdeadbeefU);
	KUNIT_EXPECT_EQ(test, h.ssrc, 0xcafebabeU);

	/* Padding, extension, 15 CSRCs, marker, PT 127: the fields stay put. */
	memcpy(buf, rtp_pkt, sizeof(rtp_pkt));
	buf[0] = 0xbf;
	buf[1] = 0xff;
	memset(&h, 0, sizeof(h));
	KUNIT_ASSERT_TRUE(test, vqos_rtp_parse(buf, sizeof(buf), &h));
	KUNIT_EXPECT_EQ(test, h.seq, 0x1234);
	KUNIT_EXPECT_EQ(test, h.ts, 0xdeadbeefU);
	KUNIT_EXPECT_EQ(test, h.ssrc, 0xcafebabeU);
}

static void vqos_rtp_test_parse_short(struct kunit *test)
{
	struct vqos_rtp_hdr h;
	unsigned int len;

	for (len = 0; len < VQOS_RTP_HDR_LEN; len++)
		KUNIT_EXPECT_FALSE_MSG(test, vqos_rtp_parse(rtp_pkt, len, &h),
				       "len %u", len);
	KUNIT_EXPECT_TRUE(test, vqos_rtp_parse(rtp_pkt, VQOS_RTP_HDR_LEN, &h));
}

static void vqos_rtp_test_parse_version(struct kunit *test)
{
	struct vqos_rtp_hdr h;
	u8 buf[VQOS_RTP_HDR_LEN];
	int v;

	memcpy(buf, rtp_pkt, sizeof(buf));
	for (v = 0; v < 4; v++) {
		buf[0] = (v << 6) | 0x3f;	/* every other bit set */
		KUNIT_EXPECT_EQ_MSG(test, vqos_rtp_parse(buf, sizeof(buf), &h),
				    v == 2, "version %d", v);
	}
}

/*
 * With rtcp-mux the second byte of RTCP (packet types 192..223) reads as
 * marker + payload type 64..95, which RFC 5761 section 4 therefore forbids
 * for RTP. SR, RR, SDES, BYE, APP are 200..204 (PT 72..76).
 */
static void vqos_rtp_test_parse_rtcp(struct kunit *test)
{
	struct vqos_rtp_hdr h;
	u8 buf[VQOS_RTP_HDR_LEN];
	int pt;

	memcpy(buf, rtp_pkt, sizeof(buf));
	for (pt = 200; pt <= 204; pt++) {
		buf[1] = pt;
		KUNIT_EXPECT_FALSE_MSG(test, vqos_rtp_parse(buf, sizeof(buf), &h),
				       "RTCP packet type %d", pt);
		buf[1] = pt & 0x7f;	/* the same PT without the marker */
		KUNIT_EXPECT_FALSE_MSG(test, vqos_rtp_parse(buf, sizeof(buf), &h),
				       "PT %d", pt & 0x7f);
	}
	/* Just outside 64..95: payload types any RTP profile may use. */
	for (pt = 0; pt < 4; pt++) {
		buf[1] = (pt & 1 ? 0x80 : 0) | (pt & 2 ? 96 : 63);
		KUNIT_EXPECT_TRUE_MSG(test, vqos_rtp_parse(buf, sizeof(buf), &h),
				      "second byte 0x%02x", buf[1]);
	}
}

/*
 * The RTCP packet types in use besides SR..APP: FIR 192, NACK 193, IJ 195,
 * RTPFB 205 (generic NACK), PSFB 206 (PLI, FIR, REMB), XR 207. Feedback
 * sent to a WebRTC video sender arrives on its media flow and carries the
 * sender's own SSRC at the RTP SSRC offset: taken for RTP, every PLI would
 * look like an SSRC change and reset the stream's statistics.
 */
static void vqos_rtp_test_parse_rtcp_mux(struct kunit *test)
{
	static const u8 types[] = { 192, 193, 195, 205, 206, 207 };
	struct vqos_rtp_hdr h;
	u8 buf[VQOS_RTP_HDR_LEN];
	unsigned int i;

	memcpy(buf, rtp_pkt, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		buf[1] = types[i];
		KUNIT_EXPECT_FALSE_MSG(test, vqos_rtp_parse(buf, sizeof(buf), &h),
				       "RTCP packet type %u taken for RTP", types[i]);
	}
}

static void vqos_rtp_test_parse_unaligned(struct kunit *test)
{
	u8 raw[VQOS_RTP_HDR_LEN + 8] __aligned(8);
	struct vqos_rtp_hdr h;
	int off;

	for (off = 1; off < 8; off++) {
		memset(raw, 0x55, sizeof(raw));
		memcpy(raw + off, rtp_pkt, sizeof(rtp_pkt));
		memset(&h, 0, sizeof(h));
		KUNIT_ASSERT_TRUE(test, vqos_rtp_parse(raw + off, VQOS_RTP_HDR_LEN, &h));
		KUNIT_EXPECT_EQ(test, h.seq, 0x1234);
		KUNIT_EXPECT_EQ(test, h.ts, 0xdeadbeefU);
		KUNIT_EXPECT_EQ(test, h.ssrc, 0xcafebabeU);
	}
}

/* ---- sequence accounting, RFC 3550 A.1 --------------------------------- */

#define SSRC_A 0x11223344
#define SSRC_B 0x55667788
#define R VQOS_RTP_RESTART
#define N VQOS_RTP_NEW
#define L VQOS_RTP_LATE
#define D VQOS_RTP_DUPLICATE
#define J VQOS_RTP_JUMP

/* n packets seq, seq + 1, ... (mod 2^16): the first gets verdict v, the rest NEW. */
struct rtp_run {
	u16 seq;
	u16 n;
	u8 v;
	u32 ssrc;	/* 0: SSRC_A */
};

struct rtp_seq_case {
	const char *name;
	struct rtp_run run[8];
	u32 ext_max;
	u64 expected;
	u64 received;
	u64 lost;
	u32 duplicates;
	u32 reordered;
	u16 ssrc_changes;
};

static const struct rtp_seq_case rtp_seq_cases[] = {
	{ "in_order", { { 100, 10, R } },
	  .ext_max = 109, .expected = 10, .received = 10 },
	{ "wrap", { { 65533, 6, R } },		/* 65533..65535, 0..2 */
	  .ext_max = 65536 + 2, .expected = 6, .received = 6 },
	{ "wrap_full_cycle", { { 0, 65535, R }, { 65535, 3, N } },
	  .ext_max = 65536 + 1, .expected = 65538, .received = 65538 },
	{ "gaps", { { 1, 2, R }, { 5, 2, N }, { 10, 1, N } },
	  .ext_max = 10, .expected = 10, .received = 5, .lost = 5 },
	{ "gap_across_wrap", { { 65530, 2, R }, { 3, 1, N } },
	  .ext_max = 65536 + 3, .expected = 10, .received = 3, .lost = 7 },
	{ "reorder", { { 1, 2, R }, { 4, 1, N }, { 3, 1, L }, { 5, 1, N } },
	  .ext_max = 5, .expected = 5, .received = 5, .reordered = 1 },
	{ "reorder_across_wrap",
	  { { 65534, 1, R }, { 0, 1, N }, { 65535, 1, L }, { 1, 1, N } },
	  .ext_max = 65536 + 1, .expected = 4, .received = 4, .reordered = 1 },
	/* 70 behind: beyond the duplicate window, still within MAX_MISORDER */
	{ "late_beyond_window", { { 900, 30, R }, { 931, 70, N }, { 930, 1, L } },
	  .ext_max = 1000, .expected = 101, .received = 101, .reordered = 1 },
	{ "late_lost_for_good", { { 900, 30, R }, { 931, 70, N } },
	  .ext_max = 1000, .expected = 101, .received = 100, .lost = 1 },
	/* 100 behind is a jump (RFC 3550: udelta <= 2^16 - MAX_MISORDER) */
	{ "misorder_limit", { { 900, 101, R }, { 900, 1, J } },
	  .ext_max = 1000, .expected = 101, .received = 101 },
	{ "duplicates", { { 1, 2, R }, { 2, 1, D }, { 3, 1, N }, { 2, 1, D }, { 1, 1, D } },
	  .ext_max = 3, .expected = 3, .received = 3, .duplicates = 3 },
	{ "duplicate_of_late", { { 1, 1, R }, { 3, 1, N }, { 2, 1, L }, { 2, 1, D } },
	  .ext_max = 3, .expected = 3, .received = 3, .duplicates = 1, .reordered = 1 },
	{ "duplicate_across_wrap", { { 65534, 4, R }, { 65535, 1, D } },
	  .ext_max = 65536 + 1, .expected = 4, .received = 4, .duplicates = 1 },
	/* The first packet to arrive was not the first one sent. */
	{ "start_reordered", { { 10, 1, R }, { 9, 1, L }, { 11, 1, N } },
	  .ext_max = 11, .expected = 3, .received = 3, .reordered = 1 },
	/* ... and the one sent first is 65535: 0 and 1 then come after a wrap */
	{ "start_reordered_across_wrap", { { 0, 1, R }, { 65535, 1, L }, { 1, 1, N } },
	  .ext_max = 65536 + 1, .expected = 3, .received = 3, .reordered = 1 },
	{ "jump_ignored", { { 1, 3, R }, { 10000, 1, J }, { 4, 2, N } },
	  .ext_max = 5, .expected = 5, .received = 5 },
	{ "jump_not_consecutive", { { 1, 3, R }, { 10000, 1, J }, { 20000, 1, J },
				    { 10001, 1, J }, { 4, 1, N } },
	  .ext_max = 4, .expected = 4, .received = 4 },
	/* RFC 3550 A.1: a second junk packet with the same number is no restart */
	{ "jump_same_seq_twice", { { 1, 3, R }, { 10000, 1, J }, { 10000, 1, J }, { 4, 1, N } },
	  .ext_max = 4, .expected = 4, .received = 4 },
	/* ... the next one in sequence is: the sender restarted (same SSRC) */
	{ "jump_confirmed", { { 1, 3, R }, { 10000, 1, J }, { 10001, 1, R }, { 10002, 3, N } },
	  .ext_max = 10004, .expected = 4, .received = 4 },
	{ "jump_confirmed_backwards", { { 5000, 3, R }, { 1000, 1, J }, { 1001, 1, R } },
	  .ext_max = 1001, .expected = 1, .received = 1 },
	{ "jump_confirmed_across_wrap",
	  { { 30000, 1, R }, { 65535, 1, J }, { 0, 1, R }, { 1, 1, N } },
	  .ext_max = 1, .expected = 2, .received = 2 },
	{ "ssrc_change", { { 1, 3, R }, { 500, 1, R, SSRC_B }, { 501, 2, N, SSRC_B } },
	  .ext_max = 502, .expected = 3, .received = 3, .ssrc_changes = 1 },
	{ "ssrc_change_resets",
	  { { 1, 2, R }, { 2, 1, D }, { 4, 1, N }, { 3, 1, L },
	    { 65535, 1, R, SSRC_B }, { 0, 1, N, SSRC_B } },
	  .ext_max = 65536, .expected = 2, .received = 2, .ssrc_changes = 1 },
	{ "ssrc_back_and_forth", { { 1, 1, R }, { 1, 1, R, SSRC_B }, { 2, 1, R } },
	  .ext_max = 2, .expected = 1, .received = 1, .ssrc_changes = 2 },
};

static void rtp_seq_desc(const struct rtp_seq_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtp_seq, rtp_seq_cases, rtp_seq_desc);

static const char *const rtp_verdict_name[] = {
	[VQOS_RTP_NEW] = "NEW",
	[VQOS_RTP_LATE] = "LATE",
	[VQOS_RTP_DUPLICATE] = "DUPLICATE",
	[VQOS_RTP_JUMP] = "JUMP",
	[VQOS_RTP_RESTART] = "RESTART",
};

static void vqos_rtp_test_seq(struct kunit *test)
{
	const struct rtp_seq_case *c = test->param_value;
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h;
	unsigned int r, i, pkt = 0;
	int v, want;

	for (r = 0; r < ARRAY_SIZE(c->run) && c->run[r].n; r++) {
		const struct rtp_run *run = &c->run[r];

		h.ssrc = run->ssrc ?: SSRC_A;
		for (i = 0; i < run->n; i++, pkt++) {
			h.seq = run->seq + i;
			h.ts = 160 * pkt;
			v = vqos_rtp_update(&s, &h, 8000, 160 * pkt);
			want = i ? N : run->v;
			if (v != want) {
				KUNIT_FAIL(test, "run %u packet %u (seq %u): %s, expected %s",
					   r, i, h.seq, rtp_verdict_name[v],
					   rtp_verdict_name[want]);
				break;
			}
		}
	}
	KUNIT_EXPECT_EQ(test, vqos_rtp_ext_max(&s), c->ext_max);
	KUNIT_EXPECT_EQ(test, s.cycles, c->ext_max & ~0xffffU);
	KUNIT_EXPECT_EQ(test, vqos_rtp_expected(&s), c->expected);
	KUNIT_EXPECT_EQ(test, s.received, c->received);
	KUNIT_EXPECT_EQ(test, vqos_rtp_lost(&s), c->lost);
	KUNIT_EXPECT_EQ(test, s.duplicates, c->duplicates);
	KUNIT_EXPECT_EQ(test, s.reordered, c->reordered);
	KUNIT_EXPECT_EQ(test, s.ssrc_changes, c->ssrc_changes);
}

static enum vqos_rtp_verdict rtp_send(struct vqos_rtp *s, u16 seq)
{
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A, .seq = seq, .ts = 160U * seq };

	return vqos_rtp_update(s, &h, 8000, 160U * seq);
}

/* A late packet leaves "expected" alone and takes one off "lost". */
static void vqos_rtp_test_late_step(struct kunit *test)
{
	struct vqos_rtp s = {};

	KUNIT_EXPECT_EQ(test, vqos_rtp_expected(&s), 0ULL);
	KUNIT_EXPECT_EQ(test, vqos_rtp_lost(&s), 0ULL);
	rtp_send(&s, 1000);
	rtp_send(&s, 1001);
	rtp_send(&s, 1004);
	KUNIT_EXPECT_EQ(test, vqos_rtp_expected(&s), 5ULL);
	KUNIT_EXPECT_EQ(test, vqos_rtp_lost(&s), 2ULL);
	KUNIT_EXPECT_EQ(test, rtp_send(&s, 1003), VQOS_RTP_LATE);
	KUNIT_EXPECT_EQ(test, vqos_rtp_expected(&s), 5ULL);
	KUNIT_EXPECT_EQ(test, vqos_rtp_lost(&s), 1ULL);
	KUNIT_EXPECT_EQ(test, rtp_send(&s, 1002), VQOS_RTP_LATE);
	KUNIT_EXPECT_EQ(test, vqos_rtp_expected(&s), 5ULL);
	KUNIT_EXPECT_EQ(test, vqos_rtp_lost(&s), 0ULL);
	KUNIT_EXPECT_EQ(test, s.reordered, 2U);
	KUNIT_EXPECT_EQ(test, rtp_send(&s, 1002), VQOS_RTP_DUPLICATE);
	KUNIT_EXPECT_EQ(test, s.received, 5ULL);
	KUNIT_EXPECT_EQ(test, vqos_rtp_ext_max(&s), 1004U);
}

/* ---- interarrival jitter, RFC 3550 A.8 --------------------------------- */

/* Constant transit time (any offset, any gaps): no jitter. */
static void vqos_rtp_test_jitter_constant(struct kunit *test)
{
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A };
	u32 i, ts = 0xfffff000;	/* the timestamp wraps too */

	for (i = 0; i < 500; i++) {
		h.seq = 7 + i + (i > 100 ? 5 : 0);	/* a gap */
		h.ts = ts + 160 * i;
		vqos_rtp_update(&s, &h, 8000, h.ts + 123456789);
		KUNIT_EXPECT_EQ(test, vqos_rtp_jitter(&s), 0U);
	}
}

/*
 * Transit times alternating T, T + D: every |D(i-1,i)| is D, so RFC 3550's
 * J += (|D| - J) / 16 gives J_k = D * (1 - (15/16)^k) after k differences.
 * The RFC's 4-bit fixed point truncates, so the reported value may be off
 * by a little more than one unit; it settles within one below D.
 */
static const u32 rtp_jitter_d[] = { 1, 7, 160, 960, 3000, 90000, 1 << 20 };

static void rtp_jitter_desc(const u32 *d, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "D=%u", *d);
}

KUNIT_ARRAY_PARAM(rtp_jitter, rtp_jitter_d, rtp_jitter_desc);

static void vqos_rtp_test_jitter_alternating(struct kunit *test)
{
	const u32 d = *(const u32 *)test->param_value;
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A };
	u64 f = 1ULL << 32;	/* (15/16)^k, 32.32 fixed point */
	u32 i, j, ideal;

	for (i = 0; i < 400; i++) {
		h.seq = i;
		h.ts = 960 * i;
		vqos_rtp_update(&s, &h, 8000, 5000 + h.ts + (i & 1 ? d : 0));
		if (i)
			f = f * 15 / 16;
		ideal = d - (u32)(((u64)d * f) >> 32);
		j = vqos_rtp_jitter(&s);
		if (j + 2 < ideal || j > ideal + 2) {
			KUNIT_FAIL(test, "packet %u: jitter %u, RFC 3550 gives %u", i, j, ideal);
			break;
		}
	}
	KUNIT_EXPECT_LE(test, vqos_rtp_jitter(&s), d);
	KUNIT_EXPECT_GE(test, vqos_rtp_jitter(&s) + 1, d);
}

/* A new SSRC starts a new estimate. */
static void vqos_rtp_test_jitter_reset(struct kunit *test)
{
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A };
	u32 i;

	for (i = 0; i < 100; i++) {
		h.seq = i;
		h.ts = 160 * i;
		vqos_rtp_update(&s, &h, 8000, h.ts + (i & 1 ? 800 : 0));
	}
	KUNIT_EXPECT_GT(test, vqos_rtp_jitter(&s), 700U);
	h.ssrc = SSRC_B;
	h.seq = 4242;
	h.ts = 7;
	KUNIT_EXPECT_EQ(test, vqos_rtp_update(&s, &h, 8000, 999999), VQOS_RTP_RESTART);
	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter(&s), 0U);
	/* The first difference is measured against the new stream's transit. */
	h.seq++;
	h.ts += 160;
	vqos_rtp_update(&s, &h, 8000, 999999 + 160 + 32);
	KUNIT_EXPECT_EQ(test, s.jitter, 32U);	/* |D| = 32: J = 32/16 = 2 */
	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter(&s), 2U);
}

/* Clock rate 0 (unknown codec): sequence statistics run, the jitter stays 0. */
static void vqos_rtp_test_jitter_no_clock(struct kunit *test)
{
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A };
	u32 i;

	for (i = 0; i < 100; i++) {
		h.seq = i;
		h.ts = 160 * i;
		vqos_rtp_update(&s, &h, 0, h.ts + (i & 1 ? 800 : 0));
	}
	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter(&s), 0U);
	KUNIT_EXPECT_EQ(test, s.received, 100U);
	KUNIT_EXPECT_EQ(test, vqos_rtp_ext_max(&s), 99U);
}

/* ---- unit conversions --------------------------------------------------- */

struct rtp_arrival_case {
	u64 now_ns;
	u32 clock_rate;
	u32 arrival;
};

static const struct rtp_arrival_case rtp_arrival_cases[] = {
	{ 0, 8000, 0 },
	{ NSEC_PER_SEC, 8000, 8000 },
	{ 20 * NSEC_PER_MSEC, 8000, 160 },
	{ 20 * NSEC_PER_MSEC, 48000, 960 },
	{ 123456789, 48000, 5925 },
	{ NSEC_PER_SEC, 90000, 90000 },
	{ 33333333, 90000, 2999 },		/* truncated, not rounded */
	/* 10^6 s of uptime: 9 * 10^10 ticks wrap modulo 2^32 */
	{ 1000000ULL * NSEC_PER_SEC, 90000, 4100654080U },
	{ U64_MAX, 8000, 3171266412U },		/* no 64-bit overflow inside */
	{ U64_MAX, 90000, 243266947U },
};

static void rtp_arrival_desc(const struct rtp_arrival_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lluns@%uHz",
		 (unsigned long long)c->now_ns, c->clock_rate);
}

KUNIT_ARRAY_PARAM(rtp_arrival, rtp_arrival_cases, rtp_arrival_desc);

static void vqos_rtp_test_arrival(struct kunit *test)
{
	const struct rtp_arrival_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vqos_rtp_arrival(c->now_ns, c->clock_rate), c->arrival);
}

struct rtp_jitter_us_case {
	u32 jitter;
	u32 clock_rate;
	u32 us;
};

static const struct rtp_jitter_us_case rtp_jitter_us_cases[] = {
	{ 8, 8000, 1000 },
	{ 160, 8000, 20000 },
	{ 48, 48000, 1000 },
	{ 90, 90000, 1000 },
	{ 45, 90000, 500 },
	{ 1, 90000, 11 },			/* 11.1 us, truncated */
	{ 0, 8000, 0 },
	{ 100, 0, 0 },				/* no clock rate: no jitter */
	{ (1 << 28) - 1, 90000, 2982616166U },	/* the largest jitter >> 4 */
};

static void rtp_jitter_us_desc(const struct rtp_jitter_us_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u@%uHz", c->jitter, c->clock_rate);
}

KUNIT_ARRAY_PARAM(rtp_jitter_us, rtp_jitter_us_cases, rtp_jitter_us_desc);

static void vqos_rtp_test_jitter_us(struct kunit *test)
{
	const struct rtp_jitter_us_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter_us(c->jitter, c->clock_rate), c->us);
}

/* The whole path: arrival times from ns, jitter in us, 20 ms of 8 kHz audio. */
static void vqos_rtp_test_jitter_end_to_end(struct kunit *test)
{
	struct vqos_rtp s = {};
	struct vqos_rtp_hdr h = { .ssrc = SSRC_A };
	u64 now;
	u32 i;

	/* Every other packet 2 ms late: |D| = 16 ticks at 8 kHz = 2000 us. */
	for (i = 0; i < 400; i++) {
		h.seq = i;
		h.ts = 160 * i;
		now = 5 * NSEC_PER_SEC + i * 20 * NSEC_PER_MSEC + (i & 1) * 2 * NSEC_PER_MSEC;
		vqos_rtp_update(&s, &h, 8000, vqos_rtp_arrival(now, 8000));
	}
	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter(&s), 15U);
	KUNIT_EXPECT_EQ(test, vqos_rtp_jitter_us(vqos_rtp_jitter(&s), 8000), 1875U);
}

static struct kunit_case vqos_rtp_test_cases[] = {
	KUNIT_CASE(vqos_rtp_test_parse),
	KUNIT_CASE(vqos_rtp_test_parse_short),
	KUNIT_CASE(vqos_rtp_test_parse_version),
	KUNIT_CASE(vqos_rtp_test_parse_rtcp),
	KUNIT_CASE(vqos_rtp_test_parse_rtcp_mux),
	KUNIT_CASE(vqos_rtp_test_parse_unaligned),
	KUNIT_CASE_PARAM(vqos_rtp_test_seq, rtp_seq_gen_params),
	KUNIT_CASE(vqos_rtp_test_late_step),
	KUNIT_CASE(vqos_rtp_test_jitter_constant),
	KUNIT_CASE_PARAM(vqos_rtp_test_jitter_alternating, rtp_jitter_gen_params),
	KUNIT_CASE(vqos_rtp_test_jitter_reset),
	KUNIT_CASE(vqos_rtp_test_jitter_no_clock),
	KUNIT_CASE_PARAM(vqos_rtp_test_arrival, rtp_arrival_gen_params),
	KUNIT_CASE_PARAM(vqos_rtp_test_jitter_us, rtp_jitter_us_gen_params),
	KUNIT_CASE(vqos_rtp_test_jitter_end_to_end),
	{}
};

static struct kunit_suite vqos_rtp_test_suite = {
	.name = "vqos_rtp",
	.test_cases = vqos_rtp_test_cases,
};

kunit_test_suite(vqos_rtp_test_suite);
