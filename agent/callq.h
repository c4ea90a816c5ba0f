/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live quality of a call, per stream direction, from what the kernel counts
 * on its flows: the router's own RTP receiver statistics (loss, jitter up to
 * the router), and the RTCP reports the endpoints exchange (what the far
 * receiver saw, and the round trip), turned into an estimated MOS with the
 * simplified E-model (quality.h). Pure: no netlink, no clock.
 */
#ifndef VQ_CALLQ_H
#define VQ_CALLQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialog.h"
#include "print.h"

/* One RTP stream direction: the packets towards rtp->dst. */
struct vq_stream_quality {
	const struct vq_flow_spec *rtp;	/* into the call's flow array */
	bool measured;			/* the kernel flow exists with RTP seen */
	uint64_t packets;		/* RTP packets through the router */
	uint64_t policed_bytes;		/* bytes demoted by the policer */
	/* Since the previous vq_call_quality() with the same state. */
	uint64_t interval_expected, interval_lost;
	double local_loss_pct;		/* interval, at the router */
	double local_jitter_ms;
	bool have_remote;		/* the receiver's RTCP report */
	double remote_loss_pct;		/* its fraction lost */
	double remote_jitter_ms;
	int64_t remote_cum_lost;
	bool have_rtt;			/* both halves of the round trip known */
	double rtt_ms;			/* endpoint to endpoint, through us */
	/* What the MOS was computed from. */
	double delay_ms, jitter_ms, loss_pct;
	double mos;
};

/* Interval state per RTP flow, kept by the caller across calls. */
struct vq_callq_prev {
	uint16_t family;
	uint8_t dst[16];
	uint16_t dport;
	uint64_t expected, lost;
};

struct vq_callq_state {
	struct vq_callq_prev prev[VQ_CALL_MAX_FLOWS];
	unsigned int nprev;
};

/*
 * Fills out[] with one entry per audio RTP flow of c (at most max) and
 * returns how many. kf/nkf: a kernel flow dump (matched by cookie and key).
 * link_delay_ms: the one-way delay assumed where RTCP gives no round trip.
 * st: interval state (zeroed before the first use), updated.
 */
size_t vq_call_quality(const struct vq_call *c, const struct vq_flow *kf,
		       size_t nkf, uint32_t link_delay_ms,
		       struct vq_callq_state *st,
		       struct vq_stream_quality *out, size_t max);

#endif
