// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <linux/voiceqos.h>

#include "addr.h"
#include "callq.h"
#include "kflow.h"
#include "quality.h"

static const struct vq_flow *kernel_flow(const struct vq_flow *kf, size_t nkf,
					 const struct vq_flow_spec *s)
{
	size_t i;

	for (i = 0; i < nkf; i++)
		if (VQ_HAS(&kf[i], COOKIE) && kf[i].cookie == s->cookie &&
		    vq_kflow_same_key(&kf[i], s))
			return &kf[i];
	return NULL;
}

static bool same_addr(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	return a->family == b->family &&
	       !memcmp(a->dst, b->dst, vq_addr_len(a->family));
}

/*
 * The RTCP flow towards the same receiver as rtp: same m-line and address,
 * its port+1 preferred (a=rtcp may name another port; two parties on one
 * address are told apart by the port).
 */
static const struct vq_flow_spec *rtcp_of(const struct vq_call *c,
					  const struct vq_flow_spec *rtp)
{
	const struct vq_flow_spec *any = NULL;
	unsigned int i;

	for (i = 0; i < c->nflows; i++) {
		const struct vq_flow_spec *s = &c->flows[i];

		if (s->kind != VQ_FLOW_RTCP || s->mline != rtp->mline ||
		    !same_addr(s, rtp))
			continue;
		if (s->dport == rtp->dport + 1)
			return s;
		if (!any)
			any = s;
	}
	return any;
}

/* The other audio RTP flow of the same m-line: the opposite direction. */
static const struct vq_flow_spec *opposite(const struct vq_call *c,
					   const struct vq_flow_spec *rtp)
{
	unsigned int i;

	for (i = 0; i < c->nflows; i++) {
		const struct vq_flow_spec *s = &c->flows[i];

		if (s != rtp && s->kind == VQ_FLOW_RTP && s->mline == rtp->mline)
			return s;
	}
	return NULL;
}

static uint64_t st(const struct vq_flow *f, int a)
{
	return (f->st.present & VQ_BIT(a)) ? f->st.v[a] : 0;
}

/*
 * Half the round trip, seen from the router: the receiver's RR (on the
 * RTCP flow back to the sender) names by LSR the sender's SR, which passed
 * us on the RTCP flow towards the receiver. ms, or -1 if they do not match.
 */
static double half_rtt_ms(const struct vq_flow *to_rcv, const struct vq_flow *to_snd)
{
	double ms;

	if (!to_rcv || !to_snd || !VQ_RTCP_HAS(to_rcv, SR_NTP) ||
	    !VQ_RTCP_HAS(to_snd, LSR) || !VQ_RTCP_HAS(to_snd, DLSR) ||
	    !VQ_RTCP(to_snd, LSR) || VQ_RTCP(to_snd, LSR) != VQ_RTCP(to_rcv, SR_NTP))
		return -1;
	ms = (double)VQ_RTCP(to_rcv, SR_AGE_MS) - (double)VQ_RTCP(to_snd, RR_AGE_MS) -
	     (double)VQ_RTCP(to_snd, DLSR) * 1000.0 / 65536.0;
	/* Jiffy-resolution ages can make a LAN-short half slightly negative. */
	return ms < 0 ? 0 : ms;
}

static struct vq_callq_prev *prev_of(struct vq_callq_state *state,
				     const struct vq_flow_spec *s)
{
	struct vq_callq_prev *p;
	unsigned int i;

	for (i = 0; i < state->nprev; i++) {
		p = &state->prev[i];
		if (p->family == s->family && p->dport == s->dport &&
		    !memcmp(p->dst, s->dst, vq_addr_len(s->family)))
			return p;
	}
	if (state->nprev == VQ_CALL_MAX_FLOWS)
		return NULL;
	p = &state->prev[state->nprev++];
	memset(p, 0, sizeof(*p));
	p->family = s->family;
	memcpy(p->dst, s->dst, sizeof(p->dst));
	p->dport = s->dport;
	return p;
}

static void local_stats(struct vq_stream_quality *q, const struct vq_flow *k,
			struct vq_callq_prev *p)
{
	uint64_t expected = st(k, VOICEQOS_FSTAT_A_EXPECTED);
	uint64_t lost = st(k, VOICEQOS_FSTAT_A_LOST);

	q->packets = st(k, VOICEQOS_FSTAT_A_PACKETS);
	q->policed_bytes = st(k, VOICEQOS_FSTAT_A_POLICED_BYTES);
	q->measured = VQ_ST_HAS(k, EXPECTED);
	q->local_jitter_ms = st(k, VOICEQOS_FSTAT_A_JITTER_US) / 1000.0;
	if (!p)
		return;
	/* A restarted stream (new SSRC, flow replaced) starts a new interval. */
	if (expected >= p->expected && lost >= p->lost) {
		q->interval_expected = expected - p->expected;
		q->interval_lost = lost - p->lost;
	} else {
		q->interval_expected = expected;
		q->interval_lost = lost;
	}
	p->expected = expected;
	p->lost = lost;
	if (q->interval_expected)
		q->local_loss_pct = 100.0 * (double)q->interval_lost /
				    (double)q->interval_expected;
}

size_t vq_call_quality(const struct vq_call *c, const struct vq_flow *kf,
		       size_t nkf, uint32_t link_delay_ms,
		       struct vq_callq_state *state,
		       struct vq_stream_quality *out, size_t max)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < c->nflows && n < max; i++) {
		const struct vq_flow_spec *s = &c->flows[i], *back, *rc_to, *rc_back;
		const struct vq_flow *k, *k_to = NULL, *k_back = NULL;
		struct vq_stream_quality *q = &out[n];
		double h1, h2;

		if (s->kind != VQ_FLOW_RTP || s->media != VQ_KIND_AUDIO)
			continue;
		memset(q, 0, sizeof(*q));
		q->rtp = s;
		n++;
		k = kernel_flow(kf, nkf, s);
		if (k)
			local_stats(q, k, prev_of(state, s));

		back = opposite(c, s);
		rc_to = rtcp_of(c, s);
		rc_back = back ? rtcp_of(c, back) : NULL;
		if (rc_to)
			k_to = kernel_flow(kf, nkf, rc_to);
		if (rc_back)
			k_back = kernel_flow(kf, nkf, rc_back);
		/* The receiver's report about this stream travels back to the sender. */
		if (k_back && VQ_RTCP_HAS(k_back, FRACTION_LOST)) {
			q->have_remote = true;
			q->remote_loss_pct = VQ_RTCP(k_back, FRACTION_LOST) * 100.0 / 256.0;
			q->remote_cum_lost = (int64_t)VQ_RTCP(k_back, CUM_LOST);
			if (s->bw.clock_rate)
				q->remote_jitter_ms = VQ_RTCP(k_back, JITTER) * 1000.0 /
						      s->bw.clock_rate;
		}
		h1 = half_rtt_ms(k_to, k_back);
		h2 = half_rtt_ms(k_back, k_to);
		if (h1 >= 0 && h2 >= 0) {
			q->have_rtt = true;
			q->rtt_ms = h1 + h2;
		}

		q->delay_ms = q->have_rtt ? q->rtt_ms / 2 : link_delay_ms;
		/* The far receiver sees the whole path, we only the part before us. */
		q->loss_pct = q->have_remote ? q->remote_loss_pct : q->local_loss_pct;
		q->jitter_ms = q->have_remote ? q->remote_jitter_ms : q->local_jitter_ms;
		q->mos = vq_mos(q->delay_ms, q->jitter_ms, q->loss_pct);
	}
	return n;
}
