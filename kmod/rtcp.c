// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * RTCP sender and receiver reports, as far as call quality needs them: the
 * far end's view of loss and jitter, and the timestamps that give the
 * round trip. Counted here rather than mirrored to the agent because a
 * report is a few fixed fields at fixed offsets of a packet the hook
 * already has in hand, and mirroring would put every call's RTCP through
 * the SIP copy's rate limit. Only the first packet of a compound is read:
 * RFC 3550 6.1 makes it an SR or RR, and it carries everything used here.
 * Only flows flagged RTCP are read: RTCP multiplexed on the RTP port
 * (rtcp-mux) is skipped by the RTP parser and not reported, which keeps the
 * report and the RTP receiver state in one slot of the flow.
 */

#include "compat.h"
#include "rtcp.h"

#include <linux/string.h>

/*
 * vqos_rtcp_parse - read the first packet of an RTCP compound
 * @buf: start of the UDP payload
 * @len: bytes available at @buf (up to VQOS_RTCP_PARSE_LEN are read)
 * @total: the whole UDP payload length
 * @r: filled on success
 *
 * Returns false unless the compound starts with a version 2 SR or RR whose
 * length fits the datagram and covers what its count announces.
 */
bool vqos_rtcp_parse(const u8 *buf, unsigned int len, unsigned int total,
		     struct vqos_rtcp_report *r)
{
	unsigned int plen, rc, need, block;

	if (len < VQOS_RTCP_HDR_LEN || len > total || (buf[0] >> 6) != 2)
		return false;
	if (buf[1] != VQOS_RTCP_PT_SR && buf[1] != VQOS_RTCP_PT_RR)
		return false;
	plen = (get_unaligned_be16(buf + 2) + 1) * 4;
	if (plen > total)
		return false;
	rc = buf[0] & 0x1f;
	memset(r, 0, sizeof(*r));
	r->ssrc = get_unaligned_be32(buf + 4);
	r->is_sr = buf[1] == VQOS_RTCP_PT_SR;
	block = VQOS_RTCP_HDR_LEN;
	if (r->is_sr)
		block += VQOS_RTCP_SENDER_INFO_LEN;
	need = block + rc * VQOS_RTCP_BLOCK_LEN;
	if (plen < need)
		return false;
	if (r->is_sr) {
		if (len < block)
			return false;
		/* NTP seconds' low half and fraction's high half. */
		r->sr_ntp_mid = get_unaligned_be32(buf + VQOS_RTCP_HDR_LEN + 2);
	}
	if (rc && len >= block + VQOS_RTCP_BLOCK_LEN) {
		const u8 *b = buf + block;
		u32 lost = get_unaligned_be32(b + 4);

		r->has_block = 1;
		r->block_ssrc = get_unaligned_be32(b);
		r->fraction_lost = lost >> 24;
		/* Sign-extend the 24-bit count: duplicates can make it negative. */
		r->cum_lost = (s32)(lost << 8) >> 8;
		r->ext_max_seq = get_unaligned_be32(b + 8);
		r->jitter = get_unaligned_be32(b + 12);
		r->lsr = get_unaligned_be32(b + 16);
		r->dlsr = get_unaligned_be32(b + 20);
	}
	return true;
}

/* Called with the flow's RTP busy bit held: one writer at a time. */
void vqos_rtcp_update(struct vqos_rtcp *s, const struct vqos_rtcp_report *r,
		      u32 now)
{
	s->packets++;
	s->ssrc = r->ssrc;
	if (r->is_sr) {
		s->sr_ntp_mid = r->sr_ntp_mid;
		s->sr_seen = now;
		s->have_sr = 1;
	}
	if (r->has_block) {
		s->block_ssrc = r->block_ssrc;
		s->fraction_lost = r->fraction_lost;
		s->cum_lost = r->cum_lost;
		s->ext_max_seq = r->ext_max_seq;
		s->jitter = r->jitter;
		s->lsr = r->lsr;
		s->dlsr = r->dlsr;
		s->rr_seen = now;
		s->have_block = 1;
	}
}
