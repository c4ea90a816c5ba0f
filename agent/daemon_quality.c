// SPDX-License-Identifier: GPL-2.0
/*
 * Live call quality in the daemon: what callq.c estimates from the kernel's
 * counters, kept per call between evaluations (loss is measured over the
 * interval), and turned into a log line and a monitor event when a call
 * crosses [quality] mos_threshold, either way.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

/* Fewer packets than this in an interval say nothing about loss. */
#define VQ_DQ_MIN_PACKETS 10

static struct vq_dq_call *find(struct vq_dq *dq, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < dq->n; i++)
		if (dq->v[i].cookie == cookie)
			return &dq->v[i];
	return NULL;
}

static struct vq_dq_call *get(struct vq_dq *dq, uint64_t cookie)
{
	struct vq_dq_call *e = find(dq, cookie);

	if (e)
		return e;
	if (dq->n == dq->cap) {
		size_t cap = dq->cap ? 2 * dq->cap : 16;
		struct vq_dq_call *v = realloc(dq->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		dq->v = v;
		dq->cap = cap;
	}
	e = &dq->v[dq->n++];
	memset(e, 0, sizeof(*e));
	e->cookie = cookie;
	return e;
}

const struct vq_dq_call *vq_daemon_quality_of(const struct vq_daemon *dm,
					      uint64_t cookie)
{
	return find((struct vq_dq *)&dm->dq, cookie);
}

static void to_str(const struct vq_flow_spec *s, char *buf, size_t len)
{
	struct vq_endpoint ep = { .family = s->family, .port = s->dport };

	memcpy(ep.addr, s->dst, vq_addr_len(s->family));
	vq_format_endpoint(&ep, buf, len);
}

/* The worst direction that says anything, or -1. */
static int worst(const struct vq_dq_call *e)
{
	int w = -1;
	unsigned int i;

	for (i = 0; i < e->ns; i++) {
		const struct vq_stream_quality *q = &e->s[i].q;

		if (q->interval_expected < VQ_DQ_MIN_PACKETS && !q->have_remote)
			continue;
		if (w < 0 || q->mos < e->s[w].q.mos)
			w = (int)i;
	}
	return w;
}

static void evaluate(struct vq_daemon *dm, const struct vq_call *c,
		     const struct vq_flow *kf, size_t nkf)
{
	struct vq_stream_quality q[VQ_DQ_STREAMS];
	const struct vq_stream_quality *wq;
	struct vq_dq_call *e;
	double threshold = dm->cfg->quality.mos_threshold / 100.0;
	size_t n, i;
	bool degraded;
	int w;

	e = get(&dm->dq, c->cookie);
	if (!e) {
		vq_err_log("quality: out of memory");
		return;
	}
	e->seen = true;
	n = vq_call_quality(c, kf, nkf, dm->cfg->quality.link_delay, &e->st, q,
			    VQ_DQ_STREAMS);
	e->ns = (unsigned int)n;
	for (i = 0; i < n; i++) {
		to_str(q[i].rtp, e->s[i].to, sizeof(e->s[i].to));
		e->s[i].q = q[i];
		/* The flow array moves with the dialog layer: keep no pointer. */
		e->s[i].q.rtp = NULL;
	}
	/* The first evaluation only sets the interval's start. */
	if (!e->evaluated) {
		e->evaluated = true;
		return;
	}
	w = worst(e);
	degraded = w >= 0 && e->s[w].q.mos < threshold;
	if (degraded == e->degraded)
		return;
	e->degraded = degraded;
	if (degraded) {
		wq = &e->s[w].q;
		dm->dq.degraded_events++;
		vq_warn("call %s degraded: MOS %.2f towards %s (loss %.1f %%, jitter %.1f ms, "
			"delay %.0f ms%s)", c->call_id[0] ? c->call_id : "(adopted)",
			wq->mos, e->s[w].to, wq->loss_pct, wq->jitter_ms, wq->delay_ms,
			wq->have_remote ? ", from the receiver's RTCP" : "");
		vq_daemon_quality_event(dm, "call_degraded", c, &e->s[w]);
	} else {
		dm->dq.recovered_events++;
		vq_info("call %s recovered: MOS %.2f or better in every direction",
			c->call_id[0] ? c->call_id : "(adopted)", threshold);
		vq_daemon_quality_event(dm, "call_recovered", c, w >= 0 ? &e->s[w] : NULL);
	}
}

void vq_daemon_quality_tick(struct vq_daemon *dm, uint64_t now_ms)
{
	struct vq_dialogs *d = vq_engine_dialogs(dm->engine);
	const struct vq_call *c;
	struct vq_flow *kf = NULL;
	size_t nkf = 0, i, k;

	if (now_ms < dm->dq.next_ms)
		return;
	dm->dq.next_ms = now_ms + (uint64_t)dm->cfg->quality.interval * 1000;
	if (!dm->kf.up || vq_kflow_dump(&dm->kf, &kf, &nkf) < 0)
		return;
	dm->dq.evaluations++;
	for (i = 0; i < dm->dq.n; i++)
		dm->dq.v[i].seen = false;
	for (c = vq_dialogs_first(d); c; c = vq_dialogs_next(d, c))
		if (c->nflows && c->state != VQ_CALL_ENDED)
			evaluate(dm, c, kf, nkf);
	free(kf);
	/* Ended calls leave: their last figures went with their last event. */
	for (i = k = 0; i < dm->dq.n; i++)
		if (dm->dq.v[i].seen)
			dm->dq.v[k++] = dm->dq.v[i];
	dm->dq.n = k;
}

void vq_daemon_quality_fini(struct vq_daemon *dm)
{
	free(dm->dq.v);
	memset(&dm->dq, 0, sizeof(dm->dq));
}
