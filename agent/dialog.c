// SPDX-License-Identifier: GPL-2.0
/*
 * Calls, dialogs and the offer/answer model (RFC 3261, 3264, 3262, 3311):
 * see dialog.h and Documentation/call-model.md.
 *
 * The shape of it: a call (one Call-ID) holds its dialogs (one per remote
 * tag: forking makes several early ones). Each dialog keeps at most one
 * pending offer and the flows its last completed offer/answer exchange
 * asks for ("want"), computed by a pure function of (offer, answer). The
 * call's installed set is the union of its dialogs' wants; every change
 * is applied by diffing that union against what is installed, so that
 * re-INVITEs, holds, forks and releases are all the same operation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "log.h"

#define NS_PER_S 1000000000ULL
/* Ended calls linger this long so that their retransmissions (BYE, 487,
 * ACK, a 200 that crossed a CANCEL) are recognised instead of counted as
 * orphans: 64*T1, the lifetime of an RFC 3261 transaction. */
#define LINGER_NS (32 * NS_PER_S)
#define MAX_DIALOGS_PER_CALL 16	/* forks tracked per call; more are ignored */
#define SEEN_RING 32		/* recent message fingerprints per call */
#define MAX_BRANCHES 8		/* parallel INVITE client transactions tracked */

/* An offer waiting for its answer (RFC 3264 4) and where it was made. */
struct pend {
	struct vq_sdp *sdp;
	bool in_request;	/* offer in a request: answer in its response */
	enum vq_sip_method method;
	uint32_t cseq;
};

struct dialog {
	struct dialog *next;
	char tag[VQ_SIP_ID_MAX];	/* the callee's (remote) tag */
	bool confirmed;
	/*
	 * Outstanding offers by the side that made them: [1] the caller's,
	 * [0] the callee's. Two slots, because in a glare (RFC 3261 14.1)
	 * both sides offer at once and one of them gets a 491.
	 */
	struct pend pend[2];
	/* What the last completed exchange asks for. */
	struct vq_flow_spec *want;
	unsigned int nwant;
};

struct call {
	struct vq_call pub;		/* first: callers see &call->pub */
	struct call *hnext;		/* hash chain */
	struct call *prev, *next;	/* creation order */
	char from_tag[VQ_SIP_ID_MAX];	/* the caller's tag */
	uint32_t inv_cseq;		/* the initial INVITE */
	/*
	 * Its client transactions seen here (Via branch hashes): a forking
	 * proxy upstream (a hosted PBX ringing a group of phones behind this
	 * router) sends one INVITE per phone with the same Call-ID and CSeq.
	 * A failure or CANCEL ends the call only once every branch has one.
	 */
	uint64_t branch[MAX_BRANCHES];
	unsigned int nbranch;
	uint32_t branch_done;		/* bit i: branch i failed or cancelled */
	struct vq_sdp *inv_offer;	/* its offer, shared by every fork */
	struct dialog *dialogs;
	unsigned int ndialogs;
	uint64_t seen[SEEN_RING];	/* fingerprints of processed messages */
	unsigned int nseen, seen_pos;
	bool lingering;			/* ENDED, kept for LINGER_NS */
	/*
	 * Ended by a CANCEL: inv_offer is kept, because a 2xx that crossed
	 * the CANCEL still establishes the call (RFC 3261 9.1).
	 */
	bool cancelled;
	bool sdp_noted;			/* an SDP problem was logged for it */
	bool mcast_noted;		/* a multicast stream was logged for it */
	/*
	 * On one of two lists besides the creation-order one: live calls
	 * (the timeout walk) or lingering ones by ended_ns (expiry from the
	 * head). A tick then touches only what can change: walking every
	 * lingering call each second was 3 % of the replay engine's time.
	 */
	struct call *sprev, *snext;
	unsigned int flows_cap;		/* entries allocated at pub.flows */
};

struct vq_dialogs {
	const struct vq_config *cfg;
	const struct vq_flow_ops *ops;
	void *ctx;
	struct call **buckets;
	size_t nbuckets;
	struct call *oldest, *newest;
	struct call *live_head, *live_tail;	/* live calls, sprev/snext */
	struct call *linger_head, *linger_tail;	/* lingering, by ended_ns */
	size_t ncalls;			/* including lingering ones */
	struct vq_dialog_stats st;
};

/* ---- helpers ---- */

static uint64_t fnv1a(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

/*
 * Bounded copy of a NUL-terminated string, cut to fit: what snprintf "%s"
 * did, without its format machinery on every call, dialog and fork.
 */
static void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

uint64_t vq_call_cookie(const char *call_id)
{
	uint64_t h = fnv1a(FNV_INIT, call_id, strlen(call_id));

	return (VQ_COOKIE_TAG << 56) | (h & 0x00ffffffffffffffULL);
}

const char *vq_call_state_name(enum vq_call_state s)
{
	switch (s) {
	case VQ_CALL_CALLING: return "calling";
	case VQ_CALL_EARLY: return "early";
	case VQ_CALL_CONFIRMED: return "confirmed";
	case VQ_CALL_ENDED: return "ended";
	case VQ_CALL_ADOPTED: return "adopted";
	}
	return "?";
}

static size_t addr_len(uint16_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool flow_same_key(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	return a->family == b->family && a->dport == b->dport &&
	       a->kind == b->kind &&
	       !memcmp(a->dst, b->dst, addr_len(a->family));
}

/* Would installing b over a change anything the kernel holds? */
static bool flow_same_params(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	return a->media == b->media && a->dscp == b->dscp &&
	       a->priority == b->priority && a->mark == b->mark &&
	       a->mark_mask == b->mark_mask && a->src_any == b->src_any &&
	       a->sport == b->sport &&
	       !memcmp(a->src, b->src, sizeof(a->src)) &&
	       a->bw.wire_bps == b->bw.wire_bps &&
	       a->bw.burst_bytes == b->bw.burst_bytes &&
	       a->bw.clock_rate == b->bw.clock_rate &&
	       a->bw.ptime_ms == b->bw.ptime_ms &&
	       !strcmp(a->bw.codec, b->bw.codec);
}

static const char *flow_str(const struct vq_flow_spec *f, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(f->family, f->dst, a, sizeof(a));
	snprintf(buf, len, "%s %s %s%s%s:%u", f->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp",
		 vq_media_kind_name(f->media), f->family == AF_INET6 ? "[" : "", a,
		 f->family == AF_INET6 ? "]" : "", f->dport);
	return buf;
}

/* A copy of s holding only its nmedia media lines (an SDP struct is ~32 KiB). */
static struct vq_sdp *sdp_dup(const struct vq_sdp *s)
{
	size_t sz = offsetof(struct vq_sdp, media) +
		    (size_t)s->nmedia * sizeof(struct vq_sdp_media);
	struct vq_sdp *c;

	if (sz < sizeof(uint64_t) * 2)
		sz = sizeof(uint64_t) * 2;
	c = malloc(sz);
	if (!c)
		return NULL;
	memcpy(c, s, offsetof(struct vq_sdp, media));
	memcpy(c->media, s->media, (size_t)s->nmedia * sizeof(struct vq_sdp_media));
	return c;
}

/* ---- flow derivation: a pure function of one offer/answer exchange ---- */

static bool dir_sends(enum vq_sdp_dir d)
{
	return d == VQ_DIR_SENDRECV || d == VQ_DIR_SENDONLY;
}

static bool dir_receives(enum vq_sdp_dir d)
{
	return d == VQ_DIR_SENDRECV || d == VQ_DIR_RECVONLY;
}

static bool addr_zero(uint16_t family, const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, addr_len(family));
}

static bool has_addr(const struct vq_sdp_media *m)
{
	return (m->family == AF_INET || m->family == AF_INET6) && !m->hold_addr &&
	       !addr_zero(m->family, m->addr);
}

/* 224.0.0.0/4, ff00::/8 */
static bool addr_multicast(uint16_t family, const uint8_t *a)
{
	return family == AF_INET ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

static bool is_rtp(const struct vq_sdp_media *m)
{
	return (m->kind == VQ_KIND_AUDIO || m->kind == VQ_KIND_VIDEO) &&
	       strstr(m->proto, "RTP") != NULL;
}

static void flow_class(const struct vq_config *cfg, struct vq_flow_spec *f)
{
	switch (f->media) {
	case VQ_KIND_VIDEO:
		f->dscp = cfg->media.video_dscp;
		f->priority = cfg->kernel.video_priority;
		break;
	case VQ_KIND_IMAGE:
		f->dscp = cfg->media.image_dscp;
		f->priority = cfg->kernel.voice_priority;
		break;
	default:
		f->dscp = cfg->media.voice_dscp;
		f->priority = cfg->kernel.voice_priority;
		break;
	}
	f->mark = cfg->kernel.mark;
	f->mark_mask = cfg->kernel.mark_mask;
	f->src_any = true;
}

static bool want_has(const struct vq_flow_spec *v, unsigned int n,
		     const struct vq_flow_spec *f)
{
	for (unsigned int i = 0; i < n; i++)
		if (flow_same_key(&v[i], f))
			return true;
	return false;
}

/*
 * Flows towards side rx (its SDP line rxm) of one m= line whose answer is
 * ans, sent by the other side (txm). Appends to out[*n].
 */
static void derive_dir(const struct vq_config *cfg, uint64_t cookie, unsigned int idx,
		       const struct vq_sdp_media *ans, const struct vq_sdp_media *rxm,
		       const struct vq_sdp_media *txm, bool mux,
		       struct vq_flow_spec *out, unsigned int *n, unsigned int max)
{
	struct vq_flow_spec f;
	struct vq_bw bw;

	if (!has_addr(rxm) || rxm->port == 0)
		return;
	/*
	 * A multicast group is not one receiver behind one path: a unicast
	 * flow keyed on it reserves for nobody (derive_flows says so).
	 */
	if (addr_multicast(rxm->family, rxm->addr))
		return;
	if (vq_bw_stream(ans, rxm, rxm->family, &cfg->media.bw, &bw) < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.cookie = cookie;
	f.media = rxm->kind;
	f.mline = idx;
	flow_class(cfg, &f);
	if (dir_receives(rxm->dir) && dir_sends(txm->dir) && *n < max) {
		f.kind = VQ_FLOW_RTP;
		f.family = rxm->family;
		memcpy(f.dst, rxm->addr, sizeof(f.dst));
		f.dport = rxm->port;
		f.bw = bw;
		if (!want_has(out, *n, &f))
			out[(*n)++] = f;
	}
	/* RTCP keeps flowing on hold; none for udptl or a muxed pair. */
	if (!is_rtp(rxm) || mux || *n >= max)
		return;
	f.kind = VQ_FLOW_RTCP;
	/* An unspecified a=rtcp address is no destination: c= (sdp.c does so too). */
	if (rxm->rtcp_port && (rxm->rtcp_family == AF_INET || rxm->rtcp_family == AF_INET6) &&
	    !addr_zero(rxm->rtcp_family, rxm->rtcp_addr)) {
		if (addr_multicast(rxm->rtcp_family, rxm->rtcp_addr))
			return;
		f.family = rxm->rtcp_family;
		memcpy(f.dst, rxm->rtcp_addr, sizeof(f.dst));
		f.dport = rxm->rtcp_port;
	} else {
		if (rxm->port == 65535)
			return;
		f.family = rxm->family;
		memcpy(f.dst, rxm->addr, sizeof(f.dst));
		f.dport = rxm->port + 1;
	}
	vq_bw_rtcp(&bw, &cfg->media.bw, &f.bw);
	if (!want_has(out, *n, &f))
		out[(*n)++] = f;
}

/*
 * An answer that names a dynamic payload type without its a=rtpmap: the
 * answerer SHOULD repeat it (RFC 3264 6.1) but real stacks omit it, and
 * the PT means what the offer mapped it to. True if a was completed into
 * *fixed from the offer's line o.
 */
static bool answer_rtpmaps(const struct vq_sdp_media *o, const struct vq_sdp_media *a,
			   struct vq_sdp_media *fixed)
{
	bool copied = false;

	for (unsigned int i = 0; i < a->nfmt; i++) {
		const struct vq_sdp_fmt *af = &a->fmt[i];

		if (af->name[0] || af->pt < 35)
			continue;
		for (unsigned int j = 0; j < o->nfmt; j++) {
			const struct vq_sdp_fmt *of = &o->fmt[j];
			struct vq_sdp_fmt *ff;

			if (of->pt != af->pt || !of->name[0])
				continue;
			if (!copied)
				memcpy(fixed, a, sizeof(*fixed));
			copied = true;
			ff = &fixed->fmt[i];
			memcpy(ff->name, of->name, sizeof(ff->name));
			ff->clock = of->clock;
			ff->channels = of->channels;
			/* fmtp the answer did give wins; else the offer's */
			if (!ff->maxaveragebitrate)
				ff->maxaveragebitrate = of->maxaveragebitrate;
			if (!ff->ilbc_mode)
				ff->ilbc_mode = of->ilbc_mode;
			if (!ff->mode_set_max)
				ff->mode_set_max = of->mode_set_max;
			ff->octet_align = ff->octet_align || of->octet_align;
			break;
		}
	}
	return copied;
}

static bool media_multicast(const struct vq_sdp_media *m)
{
	return m->port && has_addr(m) && addr_multicast(m->family, m->addr);
}

/*
 * The flows one completed offer/answer exchange asks for (contract,
 * "Design decisions"): per m= line enabled on both sides and per
 * direction, RTP towards a side that receives from a side that sends,
 * RTCP towards both sides of every RTP line unless both muxed. Which side
 * sent the offer only matters through the answer: its first format is the
 * codec. Returns the number of flows written (at most max); *mcast counts
 * the lines left out because a side's address is multicast.
 */
static unsigned int derive_flows(const struct vq_config *cfg, uint64_t cookie,
				 const struct vq_sdp *offer, const struct vq_sdp *answer,
				 struct vq_flow_spec *out, unsigned int max,
				 unsigned int *mcast)
{
	unsigned int n = 0, nm = offer->nmedia < answer->nmedia ?
				 offer->nmedia : answer->nmedia;
	struct vq_sdp_media fixed;

	*mcast = 0;
	for (unsigned int i = 0; i < nm; i++) {
		const struct vq_sdp_media *o = &offer->media[i], *a = &answer->media[i];
		bool mux = o->rtcp_mux && a->rtcp_mux;

		if (o->port == 0 || a->port == 0 || a->kind == VQ_KIND_OTHER ||
		    o->kind != a->kind)
			continue;
		if (media_multicast(o) || media_multicast(a)) {
			(*mcast)++;
			continue;
		}
		if (answer_rtpmaps(o, a, &fixed))
			a = &fixed;
		derive_dir(cfg, cookie, i, a, o, a, mux, out, &n, max);
		derive_dir(cfg, cookie, i, a, a, o, mux, out, &n, max);
	}
	return n;
}

/* ---- table ---- */

static struct call *call_lookup(const struct vq_dialogs *d, const char *call_id,
				uint64_t cookie)
{
	struct call *c = d->buckets[cookie & (d->nbuckets - 1)];

	for (; c; c = c->hnext)
		if (c->pub.cookie == cookie &&
		    (!strcmp(c->pub.call_id, call_id) ||
		     (c->pub.state == VQ_CALL_ADOPTED && !c->pub.call_id[0])))
			return c;
	return NULL;
}

static void dialog_free(struct dialog *g)
{
	free(g->pend[0].sdp);
	free(g->pend[1].sdp);
	free(g->want);
	free(g);
}

static void state_list_del(struct vq_dialogs *d, struct call *c)
{
	struct call **head = c->lingering ? &d->linger_head : &d->live_head;
	struct call **tail = c->lingering ? &d->linger_tail : &d->live_tail;

	if (c->sprev)
		c->sprev->snext = c->snext;
	else
		*head = c->snext;
	if (c->snext)
		c->snext->sprev = c->sprev;
	else
		*tail = c->sprev;
	c->sprev = c->snext = NULL;
}

static void live_add(struct vq_dialogs *d, struct call *c)
{
	c->snext = NULL;
	c->sprev = d->live_tail;
	if (d->live_tail)
		d->live_tail->snext = c;
	else
		d->live_head = c;
	d->live_tail = c;
}

/* Sorted by ended_ns from the tail: capture times may step back a little. */
static void linger_add(struct vq_dialogs *d, struct call *c)
{
	struct call *a = d->linger_tail;

	while (a && a->pub.ended_ns > c->pub.ended_ns)
		a = a->sprev;
	c->sprev = a;
	c->snext = a ? a->snext : d->linger_head;
	if (c->snext)
		c->snext->sprev = c;
	else
		d->linger_tail = c;
	if (a)
		a->snext = c;
	else
		d->linger_head = c;
}

static void call_unlink(struct vq_dialogs *d, struct call *c)
{
	struct call **pp = &d->buckets[c->pub.cookie & (d->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	if (c->prev)
		c->prev->next = c->next;
	else
		d->oldest = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		d->newest = c->prev;
	state_list_del(d, c);
	d->ncalls--;
}

static void call_free(struct call *c)
{
	struct dialog *g, *n;

	for (g = c->dialogs; g; g = n) {
		n = g->next;
		dialog_free(g);
	}
	free(c->inv_offer);
	free(c->pub.flows);
	free(c);
}

static void event(struct vq_dialogs *d, struct call *c, const char *what)
{
	if (d->ops->call_event)
		d->ops->call_event(d->ctx, &c->pub, what);
}

/* ---- applying a desired set ---- */

/*
 * Room for one more installed flow. Grown on demand: most calls have 4
 * flows, and a call is created for every INVITE (calloc of 64 specs per
 * call was the largest cost of the whole dialog layer).
 */
static bool flows_room(struct call *c)
{
	struct vq_flow_spec *n;
	unsigned int cap;

	if (c->pub.nflows < c->flows_cap)
		return true;
	if (c->flows_cap >= VQ_CALL_MAX_FLOWS)
		return false;
	cap = c->flows_cap ? c->flows_cap * 2 : 4;
	if (cap > VQ_CALL_MAX_FLOWS)
		cap = VQ_CALL_MAX_FLOWS;
	n = realloc(c->pub.flows, cap * sizeof(*n));
	if (!n) {
		vq_err_log("call %s: out of memory", c->pub.call_id);
		return false;
	}
	c->pub.flows = n;
	c->flows_cap = cap;
	return true;
}

static void flow_error(struct vq_dialogs *d, struct call *c, const char *op,
		       const struct vq_flow_spec *f, int err)
{
	char b[96];

	d->st.flow_errors++;
	vq_warn("call %s: %s %s: %s", c->pub.call_id, op, flow_str(f, b, sizeof(b)),
		strerror(-err));
}

/*
 * Makes the installed set equal to the union of the dialogs' wants: del
 * for flows no longer wanted, add for new or changed ones. Where two forks
 * want the same kernel flow (the caller's side is the same address for
 * all of them), the larger reservation is kept. Untrusted calls want
 * nothing.
 */
static void call_apply(struct vq_dialogs *d, struct call *c, uint64_t now)
{
	struct vq_flow_spec want[VQ_CALL_MAX_FLOWS];
	unsigned int n = 0;
	struct vq_call *p = &c->pub;
	int err;

	if (p->trusted && p->state != VQ_CALL_ENDED) {
		for (struct dialog *g = c->dialogs; g; g = g->next) {
			for (unsigned int i = 0; i < g->nwant; i++) {
				unsigned int j;

				for (j = 0; j < n; j++)
					if (flow_same_key(&want[j], &g->want[i]))
						break;
				if (j < n) {
					if (g->want[i].bw.wire_bps > want[j].bw.wire_bps)
						want[j] = g->want[i];
				} else if (n < VQ_CALL_MAX_FLOWS) {
					want[n++] = g->want[i];
				}
			}
		}
	}
	/* Gone first: a moved stream frees its old reservation first. */
	for (unsigned int i = 0; i < p->nflows;) {
		if (want_has(want, n, &p->flows[i])) {
			i++;
			continue;
		}
		err = d->ops->del(d->ctx, p, &p->flows[i]);
		if (err)
			flow_error(d, c, "del", &p->flows[i], err);
		/* Order kept: the installed set reads in m= line order. */
		memmove(&p->flows[i], &p->flows[i + 1],
			(p->nflows - i - 1) * sizeof(p->flows[0]));
		p->nflows--;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j;

		for (j = 0; j < p->nflows; j++)
			if (flow_same_key(&p->flows[j], &want[i]))
				break;
		if (j < p->nflows && flow_same_params(&p->flows[j], &want[i]))
			continue;
		want[i].installed_ns = now;
		if (j == p->nflows) {
			if (!flows_room(c))
				break;
			p->nflows++;
		}
		p->flows[j] = want[i];
		err = d->ops->add(d->ctx, p, &p->flows[j]);
		if (err)
			flow_error(d, c, "add", &p->flows[j], err);
	}
}

static void call_end(struct vq_dialogs *d, struct call *c, uint64_t now, const char *why)
{
	struct vq_call *p = &c->pub;
	struct dialog *g, *n;
	int err;

	if (p->state == VQ_CALL_ENDED)
		return;
	if (p->nflows) {
		err = d->ops->del_call(d->ctx, p);
		if (err) {
			d->st.flow_errors++;
			vq_warn("call %s: removing its flows: %s", p->call_id, strerror(-err));
		}
		p->nflows = 0;
	}
	for (g = c->dialogs; g; g = n) {
		n = g->next;
		dialog_free(g);
	}
	c->dialogs = NULL;
	c->ndialogs = 0;
	free(c->inv_offer);
	c->inv_offer = NULL;
	p->state = VQ_CALL_ENDED;
	p->ended_ns = now;
	state_list_del(d, c);
	c->lingering = true;
	linger_add(d, c);
	if (d->st.calls_active)
		d->st.calls_active--;
	vq_debug("call %s: ended (%s)", p->call_id, why);
	event(d, c, why);
}

static void set_state(struct vq_dialogs *d, struct call *c, enum vq_call_state s)
{
	if (c->pub.state == s)
		return;
	c->pub.state = s;
	event(d, c, vq_call_state_name(s));
}

/* ---- creation and the bound ---- */

/*
 * Room for one more call: first forget the lingering ended call that
 * ended first, else end the oldest call still unanswered (dropped_max).
 * Confirmed and adopted calls are never evicted: their flows carry live
 * media. False if there is no room.
 *
 * This runs for every new Call-ID once the table is full, i.e. for every
 * INVITE of a flood: it takes the heads of the lingering and live lists
 * (both in time order) instead of walking every call from the oldest,
 * which cost 0.4 ms per INVITE at 10000 calls and let a flood of a few
 * thousand INVITEs/s outrun the daemon. Only confirmed or adopted calls
 * older than the oldest unanswered one are walked over.
 */
static bool make_room(struct vq_dialogs *d, uint64_t now)
{
	uint32_t max = d->cfg->dialog.max_dialogs ? d->cfg->dialog.max_dialogs : 1;
	struct call *c;

	while (d->ncalls >= max) {
		c = d->linger_head;
		if (c) {
			call_unlink(d, c);
			call_free(c);
			continue;
		}
		for (c = d->live_head; c; c = c->snext)
			if (c->pub.state == VQ_CALL_CALLING || c->pub.state == VQ_CALL_EARLY)
				break;
		d->st.dropped_max++;
		if (!c)
			return false;
		vq_warn("max_dialogs (%u) reached: dropping unanswered call %s", max,
			c->pub.call_id);
		call_end(d, c, now, "dropped");
		call_unlink(d, c);
		call_free(c);
	}
	return true;
}

static struct call *call_new(struct vq_dialogs *d, const char *call_id, uint64_t cookie,
			     uint64_t now)
{
	struct call *c;
	size_t b;

	if (!make_room(d, now))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		vq_err_log("call %s: out of memory", call_id);
		return NULL;
	}
	str_copy(c->pub.call_id, sizeof(c->pub.call_id), call_id);
	c->pub.cookie = cookie;
	c->pub.created_ns = c->pub.last_ns = now;
	b = cookie & (d->nbuckets - 1);
	c->hnext = d->buckets[b];
	d->buckets[b] = c;
	c->prev = d->newest;
	if (d->newest)
		d->newest->next = c;
	else
		d->oldest = c;
	d->newest = c;
	live_add(d, c);
	d->ncalls++;
	d->st.calls_total++;
	d->st.calls_active++;
	return c;
}

static bool pkt_trusted(const struct vq_config *cfg, const struct vq_sip_pkt *pkt)
{
	return vq_config_trusted(cfg, pkt->family, pkt->saddr) ||
	       vq_config_trusted(cfg, pkt->family, pkt->daddr);
}

static uint64_t branch_hash(const struct vq_sip_msg *m)
{
	return fnv1a(FNV_INIT, m->branch, strlen(m->branch));
}

static int branch_find(const struct call *c, const struct vq_sip_msg *m)
{
	uint64_t h = branch_hash(m);

	for (unsigned int i = 0; i < c->nbranch; i++)
		if (c->branch[i] == h)
			return (int)i;
	return -1;
}

static void branch_add(struct call *c, const struct vq_sip_msg *m)
{
	if (branch_find(c, m) < 0 && c->nbranch < MAX_BRANCHES)
		c->branch[c->nbranch++] = branch_hash(m);
}

/*
 * The INVITE transaction of m's branch failed or was cancelled: true if
 * no branch is left, i.e. the call is over. A branch never seen (its
 * INVITE copy was missed) counts as the last one, unless the table was
 * full: then the call waits for early_timeout rather than end wrongly.
 */
static bool branch_over(struct call *c, const struct vq_sip_msg *m)
{
	int i = branch_find(c, m);

	if (i < 0)	/* unseen: the only one, unless some could not be kept */
		return c->nbranch < MAX_BRANCHES;
	c->branch_done |= 1u << i;
	return c->branch_done == (1u << c->nbranch) - 1;
}

/* (Re)starts c from the message that opens it: an INVITE. */
static void call_start(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
		       const struct vq_sip_pkt *pkt)
{
	struct vq_call *p = &c->pub;

	c->cancelled = false;
	str_copy(p->from, sizeof(p->from), m->from);
	str_copy(p->to, sizeof(p->to), m->to);
	str_copy(c->from_tag, sizeof(c->from_tag), m->from_tag);
	p->transport = pkt->l4proto;
	p->final_status = 0;
	p->answered_ns = p->ended_ns = 0;
	p->created_ns = p->last_ns = pkt->tstamp_ns;
	p->trusted = pkt_trusted(d->cfg, pkt);
	c->inv_cseq = m->cseq;
	c->nbranch = 0;
	c->branch_done = 0;
	branch_add(c, m);
	if (c->lingering) {
		state_list_del(d, c);
		c->lingering = false;
		live_add(d, c);
	}
	if (!p->trusted) {
		char a[INET6_ADDRSTRLEN] = "?", b[INET6_ADDRSTRLEN] = "?";

		d->st.untrusted++;
		inet_ntop(pkt->family, pkt->saddr, a, sizeof(a));
		inet_ntop(pkt->family, pkt->daddr, b, sizeof(b));
		vq_info("call %s: neither %s nor %s is a trusted signalling peer: no reservation",
			p->call_id, a, b);
	}
}

/* ---- dialogs ---- */

static struct dialog *dialog_find(struct call *c, const char *tag)
{
	for (struct dialog *g = c->dialogs; g; g = g->next)
		if (!strcmp(g->tag, tag))
			return g;
	return NULL;
}

static struct dialog *dialog_get(struct call *c, const char *tag)
{
	struct dialog *g = dialog_find(c, tag), **pp;

	if (g || !tag[0] || c->ndialogs >= MAX_DIALOGS_PER_CALL)
		return g;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	str_copy(g->tag, sizeof(g->tag), tag);
	/* Appended: forks keep the order their responses came in. */
	for (pp = &c->dialogs; *pp; pp = &(*pp)->next)
		;
	*pp = g;
	c->ndialogs++;
	return g;
}

static void dialog_remove(struct call *c, struct dialog *g)
{
	struct dialog **pp;

	for (pp = &c->dialogs; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			c->ndialogs--;
			dialog_free(g);
			return;
		}
}

/* A completed exchange: the dialog now wants what (offer, answer) says. */
static void dialog_set(struct vq_dialogs *d, struct call *c, struct dialog *g,
		       const struct vq_sdp *offer, const struct vq_sdp *answer)
{
	struct vq_flow_spec tmp[VQ_CALL_MAX_FLOWS];
	unsigned int mcast;
	unsigned int n = derive_flows(d->cfg, c->pub.cookie, offer, answer, tmp,
				      VQ_CALL_MAX_FLOWS, &mcast);
	struct vq_flow_spec *w = NULL;

	if (mcast && !c->mcast_noted) {
		c->mcast_noted = true;
		vq_warn("call %s: %u multicast m= line(s): not reserved", c->pub.call_id,
			mcast);
	}

	if (n) {
		w = malloc(n * sizeof(*w));
		if (!w) {
			vq_err_log("call %s: out of memory", c->pub.call_id);
			return;
		}
		memcpy(w, tmp, n * sizeof(*w));
	}
	free(g->want);
	g->want = w;
	g->nwant = n;
	/* held: some enabled line does not carry media both ways. */
	c->pub.held = false;
	for (unsigned int i = 0; i < offer->nmedia && i < answer->nmedia; i++) {
		const struct vq_sdp_media *o = &offer->media[i], *a = &answer->media[i];

		if (o->port && a->port && a->kind != VQ_KIND_OTHER &&
		    (o->dir != VQ_DIR_SENDRECV || a->dir != VQ_DIR_SENDRECV ||
		     o->hold_addr || a->hold_addr))
			c->pub.held = true;
	}
}

static void pend_set(struct pend *p, const struct vq_sdp *sdp, const struct vq_sip_msg *m)
{
	struct vq_sdp *s = sdp_dup(sdp);

	if (!s)
		return;
	free(p->sdp);
	p->sdp = s;
	p->in_request = m->request;
	p->method = m->method;
	p->cseq = m->cseq;
}

static void pend_clear(struct pend *p)
{
	free(p->sdp);
	p->sdp = NULL;
}

/*
 * Is m (from the other side) where the answer to offer p belongs (RFC
 * 3264 4, RFC 3261 13.2.1, RFC 3262 5, RFC 3311 5.1)? An offer in a
 * request is answered in that request's 2xx (INVITE: or a 18x); an offer
 * in a 2xx to an INVITE in the ACK, in a reliable 18x in the PRACK.
 */
static bool answers(const struct pend *p, const struct vq_sip_msg *m)
{
	if (p->in_request)
		return !m->request && m->method == p->method && m->cseq == p->cseq &&
		       m->status > 100 && m->status < 300 &&
		       (m->status >= 200 || p->method == VQ_SIP_INVITE);
	return m->request && ((m->method == VQ_SIP_ACK && m->cseq == p->cseq) ||
			      m->method == VQ_SIP_PRACK);
}

/* May m carry an offer? (RFC 3261 13.2.1, RFC 3262, RFC 3311) */
static bool may_offer(const struct vq_sip_msg *m)
{
	if (m->request)
		return m->method == VQ_SIP_INVITE || m->method == VQ_SIP_UPDATE ||
		       m->method == VQ_SIP_PRACK;
	return m->method == VQ_SIP_INVITE && m->status > 100 && m->status < 300;
}

/*
 * An SDP body from one side of a dialog: the answer to the other side's
 * outstanding offer, or else a new offer. The initial INVITE's offer is
 * kept per call because every fork answers it, and more than once (183
 * then 200, or a corrected 200): a response to the initial INVITE that
 * answers nothing else answers it again. Returns true when an exchange
 * completed (the dialog's wanted flows were recomputed).
 */
static bool dialog_sdp(struct vq_dialogs *d, struct call *c, struct dialog *g,
		       const struct vq_sip_msg *m, const struct vq_sdp *sdp,
		       bool from_caller)
{
	struct pend *other = &g->pend[!from_caller];

	if (other->sdp && answers(other, m)) {
		dialog_set(d, c, g, other->sdp, sdp);
		/* A provisional answer is repeated in the 2xx: keep the offer. */
		if (m->request || m->status >= 200)
			pend_clear(other);
		return true;
	}
	if (!m->request && m->method == VQ_SIP_INVITE && m->cseq == c->inv_cseq &&
	    c->inv_offer && !from_caller) {
		dialog_set(d, c, g, c->inv_offer, sdp);
		return true;
	}
	if (may_offer(m))
		pend_set(&g->pend[from_caller], sdp, m);
	return false;
}

/* A failure response to the request that made an offer: it is withdrawn. */
static void offer_refused(struct dialog *g, const struct vq_sip_msg *m, bool from_caller)
{
	struct pend *p = &g->pend[!from_caller];

	if (p->sdp && p->in_request && p->method == m->method && p->cseq == m->cseq)
		pend_clear(p);
}

/* ---- message handling ---- */

/*
 * A 64-bit hash of len bytes taken 8 at a time: the fingerprint covers the
 * whole SDP body of a message (two messages that differ only there are not
 * repeats), and FNV-1a over it byte by byte was the dialog layer's largest
 * single cost. Loads through memcpy: bodies are not aligned.
 */
static uint64_t hash_words(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t w;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&w, b, 8);
		h = ((h << 29 | h >> 35) ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	w = 0;
	memcpy(&w, b, len);
	h = ((h << 29 | h >> 35) ^ w) * 0x9e3779b97f4a7c15ULL;
	/* The tail's length last: "ab" and "ab\0" hash apart. */
	return ((h << 29 | h >> 35) ^ len) * 0x9e3779b97f4a7c15ULL;
}

static uint64_t fingerprint(const struct vq_sip_msg *m)
{
	uint32_t v[5] = { m->request, m->method, (uint32_t)m->status, m->cseq, m->rseq };
	uint64_t h = hash_words(FNV_INIT, v, sizeof(v));

	/* Each field ends with its length: bytes cannot move between them. */
	h = hash_words(h, m->branch, strlen(m->branch));
	h = hash_words(h, m->from_tag, strlen(m->from_tag));
	h = hash_words(h, m->to_tag, strlen(m->to_tag));
	if (m->sdp)
		h = hash_words(h, m->sdp, m->sdp_len);
	return h ^ h >> 32;
}

/* A repeat of a message already processed for this call? Records it if not. */
static bool seen_before(struct call *c, const struct vq_sip_msg *m)
{
	uint64_t h = fingerprint(m);

	for (unsigned int i = 0; i < c->nseen; i++)
		if (c->seen[i] == h)
			return true;
	c->seen[c->seen_pos] = h;
	c->seen_pos = (c->seen_pos + 1) % SEEN_RING;
	if (c->nseen < SEEN_RING)
		c->nseen++;
	return false;
}

/* Methods that belong to an INVITE dialog: only these make orphans. */
static bool dialog_method(enum vq_sip_method mt)
{
	return mt == VQ_SIP_INVITE || mt == VQ_SIP_ACK || mt == VQ_SIP_BYE ||
	       mt == VQ_SIP_CANCEL || mt == VQ_SIP_PRACK || mt == VQ_SIP_UPDATE;
}

static void orphan(struct vq_dialogs *d, const struct vq_sip_msg *m, const char *why)
{
	d->st.orphans++;
	if (m->request)
		vq_debug("%s for call %s: %s", vq_sip_method_name(m->method), m->call_id, why);
	else
		vq_debug("%d %s for call %s: %s", m->status, vq_sip_method_name(m->method),
			 m->call_id, why);
}

/* The 2xx to the initial INVITE: g wins, the other forks are released. */
static void call_confirm(struct vq_dialogs *d, struct call *c, struct dialog *g,
			 const struct vq_sip_msg *m, uint64_t now)
{
	struct dialog *o, *n;

	for (o = c->dialogs; o; o = n) {
		n = o->next;
		if (o != g)
			dialog_remove(c, o);
	}
	g->confirmed = true;
	if (!c->pub.final_status)
		c->pub.final_status = m->status;
	c->pub.answered_ns = now;
	set_state(d, c, VQ_CALL_CONFIRMED);
}

/* A response to an INVITE (initial or re-INVITE). */
static void invite_response(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
			    const struct vq_sdp *sdp, bool from_caller, uint64_t now)
{
	/* CSeq spaces are per direction: only the callee answers the initial INVITE. */
	bool initial = !from_caller && m->cseq == c->inv_cseq && c->inv_cseq;
	const char *peer = from_caller ? m->from_tag : m->to_tag;
	struct dialog *g;
	bool changed;

	if (m->status < 200 && !m->to_tag[0])
		return;		/* 100 Trying: hop-by-hop, no dialog */
	if (initial && m->status >= 300) {
		if (c->pub.state == VQ_CALL_CONFIRMED)
			return;	/* a late failure from another fork */
		if (!branch_over(c, m)) {
			/* One phone of a group refused: its early dialog goes. */
			g = m->to_tag[0] ? dialog_find(c, peer) : NULL;
			if (g) {
				dialog_remove(c, g);
				call_apply(d, c, now);
			}
			return;
		}
		c->pub.final_status = m->status;
		call_end(d, c, now, "rejected");
		return;
	}
	if (initial && c->pub.state == VQ_CALL_CONFIRMED && m->status < 200)
		return;		/* a provisional that lost the race to the 2xx */
	g = initial && c->pub.state != VQ_CALL_CONFIRMED ? dialog_get(c, peer)
							  : dialog_find(c, peer);
	if (!g) {
		orphan(d, m, "no such dialog");
		return;
	}
	if (m->status >= 300) {
		/* re-INVITE refused: the old session stays (RFC 3264 8). */
		offer_refused(g, m, from_caller);
		if (m->status == 481 || m->status == 408)
			goto dialog_gone;
		return;
	}
	changed = sdp && dialog_sdp(d, c, g, m, sdp, from_caller);
	if (m->status >= 200 && initial && c->pub.state != VQ_CALL_CONFIRMED) {
		call_confirm(d, c, g, m, now);
		changed = true;		/* the losing forks go */
	} else if (c->pub.state == VQ_CALL_CALLING && g->nwant) {
		set_state(d, c, VQ_CALL_EARLY);
	}
	if (changed)
		call_apply(d, c, now);
	return;
dialog_gone:
	dialog_remove(c, g);
	if (!c->dialogs)
		call_end(d, c, now, "dialog gone");
	else
		call_apply(d, c, now);
}

/* Responses to PRACK, UPDATE, BYE, ... inside a dialog. */
static void other_response(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
			   const struct vq_sdp *sdp, bool from_caller, uint64_t now)
{
	const char *peer = from_caller ? m->from_tag : m->to_tag;
	struct dialog *g = dialog_find(c, peer);

	if (m->method == VQ_SIP_CANCEL || m->status < 200)
		return;
	if (!g) {
		if (m->method != VQ_SIP_BYE)
			orphan(d, m, "no such dialog");
		return;
	}
	if (m->status >= 300) {
		offer_refused(g, m, from_caller);
		if (m->status == 481 || m->status == 408) {
			dialog_remove(c, g);
			if (!c->dialogs)
				call_end(d, c, now, "dialog gone");
			else
				call_apply(d, c, now);
		}
		return;
	}
	if (sdp && (m->method == VQ_SIP_PRACK || m->method == VQ_SIP_UPDATE) &&
	    dialog_sdp(d, c, g, m, sdp, from_caller)) {
		if (c->pub.state == VQ_CALL_CALLING && g->nwant)
			set_state(d, c, VQ_CALL_EARLY);
		call_apply(d, c, now);
	}
}

static void bye(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
		bool from_caller, uint64_t now)
{
	const char *peer = from_caller ? m->to_tag : m->from_tag;
	struct dialog *g = dialog_find(c, peer);

	if (c->pub.state == VQ_CALL_ADOPTED) {
		call_end(d, c, now, "bye");
		return;
	}
	if (!g) {
		/* We missed the 2xx (lost copy): the BYE still ends the call. */
		if (c->pub.state != VQ_CALL_CONFIRMED) {
			call_end(d, c, now, "bye");
			return;
		}
		orphan(d, m, "BYE for another dialog");
		return;
	}
	dialog_remove(c, g);
	if (!c->dialogs)
		call_end(d, c, now, "bye");
	else
		call_apply(d, c, now);
}

/*
 * A request inside a dialog of an adopted (or never seen) call: it becomes
 * a proper call whose only dialog is the one the request names, confirmed.
 */
static void call_from_dialog(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
			     const struct vq_sip_pkt *pkt)
{
	call_start(d, c, m, pkt);
	str_copy(c->pub.call_id, sizeof(c->pub.call_id), m->call_id);
	c->inv_cseq = 0;
	c->pub.final_status = 200;
	c->pub.answered_ns = pkt->tstamp_ns;
	c->pub.state = VQ_CALL_CONFIRMED;	/* the caller says what happened */
	if (!dialog_get(c, m->to_tag))
		return;
	c->dialogs->confirmed = true;
}

static void request(struct vq_dialogs *d, struct call *c, const struct vq_sip_msg *m,
		    const struct vq_sdp *sdp, const struct vq_sip_pkt *pkt)
{
	uint64_t now = pkt->tstamp_ns;
	bool from_caller = !strcmp(m->from_tag, c->from_tag);
	const char *peer = from_caller ? m->to_tag : m->from_tag;
	struct dialog *g;

	switch (m->method) {
	case VQ_SIP_BYE:
		bye(d, c, m, from_caller, now);
		return;
	case VQ_SIP_CANCEL:
		/* A CANCEL names its INVITE's branch (RFC 3261 9.1). */
		if (c->pub.state != VQ_CALL_CONFIRMED && c->pub.state != VQ_CALL_ADOPTED &&
		    m->cseq == c->inv_cseq && branch_over(c, m)) {
			/* Kept past the end: a 2xx that crossed it needs the offer. */
			struct vq_sdp *offer = c->inv_offer;

			c->inv_offer = NULL;
			call_end(d, c, now, "cancel");
			c->inv_offer = offer;
			c->cancelled = true;
		}
		return;
	case VQ_SIP_INVITE:
		if (!m->to_tag[0]) {
			if (c->pub.state != VQ_CALL_CALLING && c->pub.state != VQ_CALL_EARLY)
				return;
			if (m->cseq == c->inv_cseq) {
				/* Another branch of a forking proxy. */
				branch_add(c, m);
			} else if (m->cseq > c->inv_cseq) {
				/* Same Call-ID, new CSeq: a retry (e.g. after 407). */
				c->inv_cseq = m->cseq;
				c->nbranch = 0;
				c->branch_done = 0;
				branch_add(c, m);
				free(c->inv_offer);
				c->inv_offer = sdp ? sdp_dup(sdp) : NULL;
			}
			return;
		}
		break;
	case VQ_SIP_ACK:
		/* The ACK of a failed branch reuses the INVITE's branch (RFC
		 * 3261 17.1.1.3): hop-by-hop, nothing for the dialogs. */
		if (from_caller && m->cseq == c->inv_cseq && branch_find(c, m) >= 0)
			return;
		break;
	case VQ_SIP_PRACK:
	case VQ_SIP_UPDATE:
		break;
	default:
		return;		/* INFO, OPTIONS, REFER...: nothing for media */
	}
	if (c->pub.state == VQ_CALL_ADOPTED) {
		if (m->method != VQ_SIP_INVITE && m->method != VQ_SIP_UPDATE)
			return;
		call_from_dialog(d, c, m, pkt);
		event(d, c, "confirmed");
		from_caller = true;
		peer = m->to_tag;
	}
	g = dialog_find(c, peer);
	if (!g) {
		orphan(d, m, "no such dialog");
		return;
	}
	/* Only a completed exchange changes flows: until the answer, the
	 * old session (or the adopted flows) stays. */
	if (sdp && dialog_sdp(d, c, g, m, sdp, from_caller)) {
		if (c->pub.state == VQ_CALL_CALLING && g->nwant)
			set_state(d, c, VQ_CALL_EARLY);
		call_apply(d, c, now);
	}
}

/*
 * What vq_sdp_parse ignored in a description (m= lines past 16, a bad
 * a=rtcp, a disabled line...): said once per call, at warning, because
 * the reservation then differs from what the SDP text asks for.
 */
static void sdp_noted(struct vq_dialogs *d, struct call *c, const struct vq_sdp *sdp)
{
	(void)d;
	if (!sdp || !sdp->note[0] || c->sdp_noted)
		return;
	c->sdp_noted = true;
	vq_warn("call %s: SDP partly ignored: %s", c->pub.call_id, sdp->note);
}

void vq_dialogs_input(struct vq_dialogs *d, const struct vq_sip_msg *m,
		      const struct vq_sdp *sdp, bool sdp_error,
		      const struct vq_sip_pkt *pkt)
{
	uint64_t now = pkt->tstamp_ns, cookie;
	struct call *c;
	bool from_caller;

	d->st.messages++;
	if (sdp_error)
		d->st.sdp_errors++;
	if (!m->call_id[0])
		return;
	cookie = vq_call_cookie(m->call_id);
	c = call_lookup(d, m->call_id, cookie);
	if (!dialog_method(m->method)) {
		/* INFO, OPTIONS, NOTIFY... in a dialog: no media, but the
		 * call is alive (idle timeout). Outside one: not ours. */
		if (c && !c->lingering)
			c->pub.last_ns = now;
		return;
	}
	if (!c) {
		if (!m->request || m->method != VQ_SIP_INVITE) {
			orphan(d, m, "unknown call");
			return;
		}
		c = call_new(d, m->call_id, cookie, now);
		if (!c)
			return;
		seen_before(c, m);
		sdp_noted(d, c, sdp);
		if (m->to_tag[0]) {
			/* A re-INVITE of a call we never saw start (the daemon
			 * started later): rebuilt from its dialog. */
			call_from_dialog(d, c, m, pkt);
			event(d, c, "created");
			request(d, c, m, sdp, pkt);
			return;
		}
		call_start(d, c, m, pkt);
		c->pub.state = VQ_CALL_CALLING;
		c->inv_offer = sdp ? sdp_dup(sdp) : NULL;
		event(d, c, "created");
		return;
	}
	if (seen_before(c, m)) {
		d->st.retransmissions++;
		return;
	}
	c->pub.last_ns = now;
	if (c->pub.state != VQ_CALL_ENDED)
		sdp_noted(d, c, sdp);
	if (!c->pub.call_id[0])		/* adopted: now we know its Call-ID */
		str_copy(c->pub.call_id, sizeof(c->pub.call_id), m->call_id);
	if (c->pub.state == VQ_CALL_ENDED) {
		/* A new INVITE reusing the Call-ID (after a 401/407 or a refused
		 * attempt): the call starts again. Anything else is late. */
		if (m->request && m->method == VQ_SIP_INVITE && !m->to_tag[0]) {
			call_start(d, c, m, pkt);
			c->pub.state = VQ_CALL_CALLING;
			free(c->inv_offer);
			c->inv_offer = sdp ? sdp_dup(sdp) : NULL;
			d->st.calls_active++;
			event(d, c, "created");
		} else if (c->cancelled && !m->request && m->method == VQ_SIP_INVITE &&
			   m->status >= 200 && m->status < 300 && m->cseq == c->inv_cseq &&
			   m->to_tag[0] && strcmp(m->from_tag, c->from_tag) == 0) {
			/*
			 * A 2xx that crossed the CANCEL: the INVITE transaction
			 * had already completed, the CANCEL has no effect and
			 * the call is established (RFC 3261 9.1); the caller
			 * ACKs it and ends it with a BYE. Its media flows.
			 */
			vq_info("call %s: a %d crossed the CANCEL: the call is established",
				c->pub.call_id, m->status);
			c->cancelled = false;
			state_list_del(d, c);
			c->lingering = false;
			live_add(d, c);
			d->st.calls_active++;
			c->pub.state = VQ_CALL_CALLING;
			c->pub.ended_ns = 0;
			c->pub.final_status = m->status;
			sdp_noted(d, c, sdp);
			invite_response(d, c, m, sdp, false, now);
		} else if (!m->request && m->method == VQ_SIP_INVITE && m->status >= 200 &&
			   m->cseq == c->inv_cseq && !c->pub.final_status &&
			   strcmp(m->from_tag, c->from_tag) == 0) {
			/* The 487 after a CANCEL: the call's outcome, for the record. */
			c->pub.final_status = m->status;
			event(d, c, "final");
		}
		return;
	}
	if (m->request) {
		request(d, c, m, sdp, pkt);
		return;
	}
	if (c->pub.state == VQ_CALL_ADOPTED)
		return;
	/* The responder is the side that did not send the request. */
	from_caller = strcmp(m->from_tag, c->from_tag) != 0;
	if (m->method == VQ_SIP_INVITE)
		invite_response(d, c, m, sdp, from_caller, now);
	else
		other_response(d, c, m, sdp, from_caller, now);
}

/* ---- time, kernel events, adoption ---- */

void vq_dialogs_tick(struct vq_dialogs *d, uint64_t now)
{
	uint64_t early = (uint64_t)d->cfg->dialog.early_timeout * NS_PER_S;
	uint64_t idle = (uint64_t)d->cfg->dialog.idle_timeout * NS_PER_S;
	struct call *c, *n;

	while ((c = d->linger_head) && now >= c->pub.ended_ns + LINGER_NS) {
		call_unlink(d, c);
		call_free(c);
	}
	for (c = d->live_head; c; c = n) {
		struct vq_call *p = &c->pub;

		/* call_end moves c to the lingering list: next taken first. */
		n = c->snext;
		if (early && (p->state == VQ_CALL_CALLING || p->state == VQ_CALL_EARLY) &&
		    now >= p->created_ns + early) {
			d->st.timeouts++;
			vq_info("call %s: no answer after %u s: released", p->call_id,
				d->cfg->dialog.early_timeout);
			call_end(d, c, now, "timeout");
		} else if (idle && (p->state == VQ_CALL_CONFIRMED || p->state == VQ_CALL_ADOPTED) &&
			   !p->nflows && now >= p->last_ns + idle) {
			d->st.timeouts++;
			vq_info("call %s: no SIP for %u s and no media flow left: ended",
				p->call_id, d->cfg->dialog.idle_timeout);
			call_end(d, c, now, "timeout");
		}
	}
}

static struct call *call_by_cookie(const struct vq_dialogs *d, uint64_t cookie)
{
	for (struct call *c = d->buckets[cookie & (d->nbuckets - 1)]; c; c = c->hnext)
		if (c->pub.cookie == cookie && !c->lingering)
			return c;
	return NULL;
}

void vq_dialogs_flow_gone(struct vq_dialogs *d, const struct vq_flow_spec *f, uint64_t now)
{
	struct call *c = call_by_cookie(d, f->cookie);
	struct vq_call *p;

	if (!c)
		return;
	p = &c->pub;
	for (unsigned int i = 0; i < p->nflows; i++)
		if (flow_same_key(&p->flows[i], f)) {
			memmove(&p->flows[i], &p->flows[i + 1],
				(p->nflows - i - 1) * sizeof(p->flows[0]));
			p->nflows--;
			break;
		}
	/* The wants keep the flow: a later exchange that still wants it adds
	 * it again. The call ends once idle (vq_dialogs_tick). */
	if (!p->nflows && d->cfg->dialog.idle_timeout &&
	    (p->state == VQ_CALL_CONFIRMED || p->state == VQ_CALL_ADOPTED) &&
	    now >= p->last_ns + (uint64_t)d->cfg->dialog.idle_timeout * NS_PER_S) {
		d->st.timeouts++;
		call_end(d, c, now, "timeout");
	}
}

void vq_dialogs_adopt(struct vq_dialogs *d, const struct vq_flow_spec *f, uint64_t now)
{
	struct call *c;
	struct vq_call *p;

	if (!VQ_COOKIE_IS_OURS(f->cookie))
		return;
	c = call_by_cookie(d, f->cookie);
	if (!c) {
		c = call_new(d, "", f->cookie, now);
		if (!c)
			return;
		c->pub.state = VQ_CALL_ADOPTED;
		c->pub.trusted = true;
		c->pub.answered_ns = now;
		d->st.adopted++;
		event(d, c, "adopted");
	}
	p = &c->pub;
	for (unsigned int i = 0; i < p->nflows; i++)
		if (flow_same_key(&p->flows[i], f))
			return;
	if (!flows_room(c))
		return;
	p->flows[p->nflows] = *f;
	p->flows[p->nflows].installed_ns = f->installed_ns ? f->installed_ns : now;
	p->nflows++;
}

void vq_dialogs_release_all(struct vq_dialogs *d, uint64_t now)
{
	for (struct call *c = d->oldest; c; c = c->next)
		call_end(d, c, now, "released");
}

/* ---- object ---- */

struct vq_dialogs *vq_dialogs_new(const struct vq_config *cfg,
				  const struct vq_flow_ops *ops, void *ctx)
{
	struct vq_dialogs *d = calloc(1, sizeof(*d));
	size_t n = 256;

	if (!d)
		return NULL;
	while (n < cfg->dialog.max_dialogs && n < (1u << 20))
		n <<= 1;
	d->buckets = calloc(n, sizeof(*d->buckets));
	if (!d->buckets) {
		free(d);
		return NULL;
	}
	d->nbuckets = n;
	d->cfg = cfg;
	d->ops = ops;
	d->ctx = ctx;
	return d;
}

void vq_dialogs_free(struct vq_dialogs *d)
{
	struct call *c, *n;

	if (!d)
		return;
	for (c = d->oldest; c; c = n) {
		n = c->next;
		call_free(c);
	}
	free(d->buckets);
	free(d);
}

void vq_dialogs_set_config(struct vq_dialogs *d, const struct vq_config *cfg)
{
	d->cfg = cfg;
}

static const struct call *live_from(const struct call *c)
{
	while (c && c->lingering)
		c = c->next;
	return c;
}

const struct vq_call *vq_dialogs_first(const struct vq_dialogs *d)
{
	const struct call *c = live_from(d->oldest);

	return c ? &c->pub : NULL;
}

const struct vq_call *vq_dialogs_next(const struct vq_dialogs *d, const struct vq_call *p)
{
	const struct call *c = live_from(((const struct call *)p)->next);

	(void)d;
	return c ? &c->pub : NULL;
}

const struct vq_call *vq_dialogs_find(const struct vq_dialogs *d, uint64_t cookie)
{
	const struct call *c = call_by_cookie(d, cookie);

	return c ? &c->pub : NULL;
}

void vq_dialogs_get_stats(const struct vq_dialogs *d, struct vq_dialog_stats *s)
{
	*s = d->st;
}
