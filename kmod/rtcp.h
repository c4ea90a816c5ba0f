/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_RTCP_H
#define _VQOS_RTCP_H

#include <linux/types.h>

#define VQOS_RTCP_PT_SR 200
#define VQOS_RTCP_PT_RR 201
#define VQOS_RTCP_HDR_LEN 8		/* V/P/RC, PT, length, sender SSRC */
#define VQOS_RTCP_SENDER_INFO_LEN 20	/* NTP 64, RTP ts, packets, octets */
#define VQOS_RTCP_BLOCK_LEN 24
/* The most of a packet the parser reads: an SR with one report block. */
#define VQOS_RTCP_PARSE_LEN \
	(VQOS_RTCP_HDR_LEN + VQOS_RTCP_SENDER_INFO_LEN + VQOS_RTCP_BLOCK_LEN)

/* What the first packet of one RTCP compound said. */
struct vqos_rtcp_report {
	u32 ssrc;		/* its sender */
	u32 sr_ntp_mid;		/* SR: middle 32 bits of the NTP timestamp */
	u32 block_ssrc;		/* first report block: the source it is about */
	u32 ext_max_seq;
	u32 jitter;		/* timestamp units */
	u32 lsr;		/* middle 32 bits of the last SR it received */
	u32 dlsr;		/* delay since that SR, 1/65536 s */
	s32 cum_lost;		/* 24-bit signed on the wire */
	u8 fraction_lost;	/* 1/256 */
	u8 is_sr;
	u8 has_block;
};

/*
 * Per flow: the latest sender and receiver report seen going towards the
 * flow's destination, with the time each was seen, so that userspace can
 * match an RR's LSR with the SR the other direction carried and get the
 * round trip beyond the router (RFC 3550 6.4.1).
 */
struct vqos_rtcp {
	u32 sr_seen;		/* jiffies, truncated: only ages are used */
	u32 rr_seen;
	u32 packets;		/* compounds parsed */
	u32 sr_ntp_mid;
	u32 ssrc;		/* sender of the latest report */
	u32 block_ssrc;
	u32 ext_max_seq;
	u32 jitter;
	u32 lsr;
	u32 dlsr;
	s32 cum_lost;
	u8 fraction_lost;
	u8 have_sr;
	u8 have_block;
};

bool vqos_rtcp_parse(const u8 *buf, unsigned int len, unsigned int total,
		     struct vqos_rtcp_report *r);
void vqos_rtcp_update(struct vqos_rtcp *s, const struct vqos_rtcp_report *r,
		      u32 now);

#endif /* _VQOS_RTCP_H */
