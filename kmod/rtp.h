/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_RTP_H
#define _VQOS_RTP_H

#include <linux/types.h>

#define VQOS_RTP_HDR_LEN 12

/* RFC 3550 A.1: beyond these a jump is a restart, not loss or reordering. */
#define VQOS_RTP_MAX_DROPOUT 3000
#define VQOS_RTP_MAX_MISORDER 100
/* Sequence numbers behind the highest one whose arrival is remembered. */
#define VQOS_RTP_WINDOW 64

/*
 * Receiver state of one RTP stream, RFC 3550 appendix A.1 and A.8, with a
 * bitmap of the last VQOS_RTP_WINDOW sequence numbers so that duplicates
 * are told apart from late packets.
 */
struct vqos_rtp {
	u64 window;		/* bit n: max_seq - n was received */
	u32 received;		/* distinct packets since base_seq */
	u32 ssrc;
	u32 cycles;		/* sequence wraps, << 16 */
	u32 bad_seq;		/* RFC 3550: seq + 1 of a suspected restart */
	u32 transit;		/* arrival - timestamp of the previous packet */
	u32 jitter;		/* RFC 3550 A.8: jitter * 16 */
	u32 duplicates;
	u32 reordered;
	u16 max_seq;
	u16 base_seq;
	u16 ssrc_changes;
	u8 valid;		/* a first packet was seen */
	u8 have_transit;
};

/* The fields of an RTP fixed header this module cares about. */
struct vqos_rtp_hdr {
	u32 ssrc;
	u32 ts;
	u16 seq;
};

enum vqos_rtp_verdict {
	VQOS_RTP_NEW,		/* in order (possibly after a gap) */
	VQOS_RTP_LATE,		/* older than the highest, not seen before */
	VQOS_RTP_DUPLICATE,
	VQOS_RTP_JUMP,		/* too far off: ignored unless repeated */
	VQOS_RTP_RESTART,	/* new SSRC or confirmed jump: state reset */
};

bool vqos_rtp_parse(const u8 *buf, unsigned int len, struct vqos_rtp_hdr *hdr);
enum vqos_rtp_verdict vqos_rtp_update(struct vqos_rtp *s,
				      const struct vqos_rtp_hdr *hdr,
				      u32 clock_rate, u32 arrival);
u32 vqos_rtp_ext_max(const struct vqos_rtp *s);
u64 vqos_rtp_expected(const struct vqos_rtp *s);
u64 vqos_rtp_lost(const struct vqos_rtp *s);
u32 vqos_rtp_arrival(u64 now_ns, u32 clock_rate);
u32 vqos_rtp_jitter(const struct vqos_rtp *s);
u32 vqos_rtp_jitter_us(u32 jitter, u32 clock_rate);

#endif /* _VQOS_RTP_H */
