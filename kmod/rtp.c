// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#include "compat.h"
#include "rtp.h"

#include <linux/math64.h>
#include <linux/string.h>
#include <linux/time64.h>

/**
 * vqos_rtp_parse - pick the fixed RTP header fields out of a UDP payload
 * @buf: start of the UDP payload
 * @len: bytes available at @buf
 * @hdr: filled on success
 *
 * Only the version is checked: padding, extensions and CSRCs do not move
 * the fields read here, and a flow only exists because signalling said RTP
 * runs on it. Returns false for anything that cannot be an RTP v2 packet.
 */
bool vqos_rtp_parse(const u8 *buf, unsigned int len, struct vqos_rtp_hdr *hdr)
{
	if (len < VQOS_RTP_HDR_LEN || (buf[0] >> 6) != 2)
		return false;
	/*
	 * RTCP sharing the port (rtcp-mux) shows its packet type 192..223 as
	 * payload type 64..95 here, a range RFC 5761 4 keeps free of RTP.
	 */
	if ((buf[1] & 0x7f) >= 64 && (buf[1] & 0x7f) <= 95)
		return false;
	hdr->seq = get_unaligned_be16(buf + 2);
	hdr->ts = get_unaligned_be32(buf + 4);
	hdr->ssrc = get_unaligned_be32(buf + 8);
	return true;
}

static void vqos_rtp_init_seq(struct vqos_rtp *s, u16 seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = 65536 + 1;	/* never equal to a u16 + 1 */
	s->cycles = 0;
	s->received = 1;
	s->window = 1;
	s->have_transit = 0;
	s->jitter = 0;
}

static void vqos_rtp_transit(struct vqos_rtp *s, u32 clock_rate, u32 ts,
			     u32 arrival)
{
	u32 transit = arrival - ts;
	s32 d;

	/* Without the clock, arrival and timestamp have no common unit. */
	if (!clock_rate)
		return;

	if (s->have_transit) {
		d = (s32)(transit - s->transit);
		if (d < 0)
			d = -d;
		/* RFC 3550 A.8, in fixed point: J += (|D| - J) / 16 */
		s->jitter += d - ((s->jitter + 8) >> 4);
	}
	s->transit = transit;
	s->have_transit = 1;
}

/**
 * vqos_rtp_update - account one RTP packet
 * @s: stream state
 * @hdr: the packet's header fields
 * @clock_rate: the stream's RTP clock in Hz; 0 leaves the jitter alone
 * @arrival: arrival time in RTP timestamp units (vqos_rtp_arrival())
 *
 * Returns how the packet was classified. The caller must serialise calls
 * for one @s; readers may look at the fields at any time.
 */
enum vqos_rtp_verdict vqos_rtp_update(struct vqos_rtp *s,
				      const struct vqos_rtp_hdr *hdr,
				      u32 clock_rate, u32 arrival)
{
	u16 udelta, back;

	if (!s->valid || s->ssrc != hdr->ssrc) {
		if (s->valid)
			s->ssrc_changes++;
		s->ssrc = hdr->ssrc;
		s->valid = 1;
		s->duplicates = 0;
		s->reordered = 0;
		vqos_rtp_init_seq(s, hdr->seq);
		vqos_rtp_transit(s, clock_rate, hdr->ts, arrival);
		return VQOS_RTP_RESTART;
	}

	udelta = hdr->seq - s->max_seq;
	if (udelta == 0) {
		s->duplicates++;
		return VQOS_RTP_DUPLICATE;
	}
	if (udelta < VQOS_RTP_MAX_DROPOUT) {
		if (hdr->seq < s->max_seq)
			s->cycles += 1U << 16;
		s->window = udelta < VQOS_RTP_WINDOW ? (s->window << udelta) | 1 : 1;
		s->max_seq = hdr->seq;
		s->received++;
		vqos_rtp_transit(s, clock_rate, hdr->ts, arrival);
		return VQOS_RTP_NEW;
	}
	if (udelta <= 65536 - VQOS_RTP_MAX_MISORDER) {
		/*
		 * A big jump: the sender restarted or this is junk. Two
		 * consecutive packets make it a restart (RFC 3550 A.1).
		 */
		if (hdr->seq == s->bad_seq) {
			s->duplicates = 0;
			s->reordered = 0;
			vqos_rtp_init_seq(s, hdr->seq);
			vqos_rtp_transit(s, clock_rate, hdr->ts, arrival);
			return VQOS_RTP_RESTART;
		}
		s->bad_seq = (hdr->seq + 1U) & 0xffff;
		return VQOS_RTP_JUMP;
	}

	/* Behind the highest sequence number by at most MAX_MISORDER. */
	back = s->max_seq - hdr->seq;
	if (back < VQOS_RTP_WINDOW) {
		if (s->window & (1ULL << back)) {
			s->duplicates++;
			return VQOS_RTP_DUPLICATE;
		}
		s->window |= 1ULL << back;
	}
	/* Before the first packet of the stream: it still was expected. */
	if ((u16)(hdr->seq - s->base_seq) > (u16)(s->max_seq - s->base_seq) &&
	    s->cycles == 0) {
		/* The base went back across 0: what follows it wrapped once. */
		if (hdr->seq > s->base_seq)
			s->cycles += 1U << 16;
		s->base_seq = hdr->seq;
	}
	s->received++;
	s->reordered++;
	return VQOS_RTP_LATE;
}

/* Extended highest sequence number received (RFC 3550 6.4.1). */
u32 vqos_rtp_ext_max(const struct vqos_rtp *s)
{
	return s->cycles + s->max_seq;
}

u64 vqos_rtp_expected(const struct vqos_rtp *s)
{
	if (!s->valid)
		return 0;
	return (u64)vqos_rtp_ext_max(s) - s->base_seq + 1;
}

u64 vqos_rtp_lost(const struct vqos_rtp *s)
{
	u64 expected = vqos_rtp_expected(s);

	return expected > s->received ? expected - s->received : 0;
}

/* Only differences of arrival times matter, so wrapping at 2^32 is fine. */
u32 vqos_rtp_arrival(u64 now_ns, u32 clock_rate)
{
	return (u32)mul_u64_u32_div(now_ns, clock_rate, NSEC_PER_SEC);
}

/* Jitter in timestamp units, as RTCP reports it. */
u32 vqos_rtp_jitter(const struct vqos_rtp *s)
{
	return s->jitter >> 4;
}

u32 vqos_rtp_jitter_us(u32 jitter, u32 clock_rate)
{
	if (!clock_rate)
		return 0;
	return (u32)div_u64((u64)jitter * USEC_PER_SEC, clock_rate);
}
