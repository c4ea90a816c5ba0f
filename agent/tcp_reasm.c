// SPDX-License-Identifier: GPL-2.0
/*
 * TCP reassembly for SIP: one stream per direction of a connection, keyed
 * by (family, saddr, sport, daddr, dport). The in-order bytes not yet cut
 * into messages sit in one linear buffer; segments ahead of it wait in a
 * sorted list. Both together never span more than the window: when a gap
 * does not fill in time the stream gives up on it and resynchronises at
 * the next line that looks like a SIP start line. Sequence numbers are
 * compared with 32-bit serial arithmetic, so wrap-around is ordinary.
 *
 * Dependency-free (libc only) like sip_frame.c: it runs on the router.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sip_frame.h"
#include "tcp_reasm.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

/*
 * While hunting for a start line, an incomplete last line is kept only up
 * to this size: a real request line is far shorter, garbage is not kept.
 */
#define VQ_START_LINE_MAX 2048

struct vq_ooo {
	struct vq_ooo *next;
	uint32_t seq;
	uint32_t len;
	char data[];
};

struct vq_stream {
	struct vq_stream *hnext;
	struct vq_stream *lprev, *lnext;	/* LRU: head = most recent */
	uint32_t hash;
	uint16_t family, sport, dport;
	uint8_t saddr[16], daddr[16];
	uint32_t next_seq;	/* sequence number of the byte after buf */
	uint64_t last_ns;
	bool hunting;		/* skip to the next plausible start line */
	bool at_ls;		/* buf (or the next byte) begins a line */
	char *buf;
	size_t blen, bcap;
	struct vq_ooo *ooo;	/* ahead of next_seq, sorted by seq */
	size_t ooo_bytes;
};

struct vq_reasm {
	struct vq_reasm_limits lim;
	struct vq_stream **tab;
	uint32_t mask;
	struct vq_stream *lru_head, *lru_tail;
	struct vq_reasm_stats st;
};

static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

struct vq_reasm *vq_reasm_new(const struct vq_reasm_limits *lim)
{
	struct vq_reasm *r = calloc(1, sizeof(*r));
	uint32_t n = 16;

	if (!r)
		return NULL;
	r->lim.max_streams = lim && lim->max_streams ? lim->max_streams : 4096;
	r->lim.window = lim && lim->window ? lim->window : 128 * 1024;
	r->lim.idle_ns = lim && lim->idle_ns ? lim->idle_ns : 300ULL * 1000000000ULL;
	/* The sequence span of the window must stay far from 2^31. */
	if (r->lim.window > (1u << 30))
		r->lim.window = 1u << 30;
	while (n < r->lim.max_streams && n < (1u << 24))
		n <<= 1;
	r->tab = calloc(n, sizeof(*r->tab));
	if (!r->tab) {
		free(r);
		return NULL;
	}
	r->mask = n - 1;
	return r;
}

static void stream_clear(struct vq_stream *s)
{
	struct vq_ooo *o, *next;

	for (o = s->ooo; o; o = next) {
		next = o->next;
		free(o);
	}
	s->ooo = NULL;
	s->ooo_bytes = 0;
	s->blen = 0;
}

static void stream_free(struct vq_stream *s)
{
	stream_clear(s);
	free(s->buf);
	free(s);
}

void vq_reasm_free(struct vq_reasm *r)
{
	struct vq_stream *s, *next;

	if (!r)
		return;
	for (s = r->lru_head; s; s = next) {
		next = s->lnext;
		stream_free(s);
	}
	free(r->tab);
	free(r);
}

/* The key as it is stored: unused address bytes zero. */
static void pkt_key(const struct vq_sip_pkt *p, uint8_t sa[16], uint8_t da[16])
{
	size_t alen = p->family == AF_INET6 ? 16 : 4;

	memset(sa, 0, 16);
	memset(da, 0, 16);
	memcpy(sa, p->saddr, alen);
	memcpy(da, p->daddr, alen);
}

static uint32_t fnv1a(uint32_t h, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t key_hash(uint16_t family, const uint8_t sa[16], uint16_t sport,
			 const uint8_t da[16], uint16_t dport)
{
	/* Byte by byte: the same value on every endianness. */
	uint8_t b[6] = { family >> 8, family, sport >> 8, sport, dport >> 8, dport };
	uint32_t h = 2166136261u;

	h = fnv1a(h, b, sizeof(b));
	h = fnv1a(h, sa, 16);
	return fnv1a(h, da, 16);
}

static void lru_unlink(struct vq_reasm *r, struct vq_stream *s)
{
	if (s->lprev)
		s->lprev->lnext = s->lnext;
	else
		r->lru_head = s->lnext;
	if (s->lnext)
		s->lnext->lprev = s->lprev;
	else
		r->lru_tail = s->lprev;
	s->lprev = s->lnext = NULL;
}

static void lru_push(struct vq_reasm *r, struct vq_stream *s)
{
	s->lnext = r->lru_head;
	s->lprev = NULL;
	if (r->lru_head)
		r->lru_head->lprev = s;
	else
		r->lru_tail = s;
	r->lru_head = s;
}

static void stream_forget(struct vq_reasm *r, struct vq_stream *s)
{
	struct vq_stream **pp = &r->tab[s->hash & r->mask];

	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
	lru_unlink(r, s);
	stream_free(s);
	r->st.streams--;
}

static struct vq_stream *stream_find(struct vq_reasm *r, const struct vq_sip_pkt *p,
				     bool create)
{
	uint8_t sa[16], da[16];
	uint32_t h;
	struct vq_stream *s;

	pkt_key(p, sa, da);
	h = key_hash(p->family, sa, p->sport, da, p->dport);
	for (s = r->tab[h & r->mask]; s; s = s->hnext)
		if (s->hash == h && s->family == p->family && s->sport == p->sport &&
		    s->dport == p->dport && !memcmp(s->saddr, sa, 16) &&
		    !memcmp(s->daddr, da, 16))
			return s;
	if (!create)
		return NULL;
	if (r->st.streams >= r->lim.max_streams) {
		stream_forget(r, r->lru_tail);
		r->st.evicted++;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->hash = h;
	s->family = p->family;
	s->sport = p->sport;
	s->dport = p->dport;
	memcpy(s->saddr, sa, 16);
	memcpy(s->daddr, da, 16);
	s->hnext = r->tab[h & r->mask];
	r->tab[h & r->mask] = s;
	lru_push(r, s);
	r->st.streams++;
	return s;
}

static bool is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-.!%*_+`'~", c));
}

/*
 * A line (without its LF) that could begin a SIP message: "SIP/2.0 NNN
 * ..." or "METHOD request-uri SIP/2.0". Deliberately loose on the URI; a
 * false positive costs one frame error, a false negative a lost message.
 */
static bool is_start_line(const char *l, size_t n)
{
	size_t i = 0;

	if (n && l[n - 1] == '\r')
		n--;
	if (n >= 11 && !memcmp(l, "SIP/2.0 ", 8))
		return l[8] >= '1' && l[8] <= '6' && l[9] >= '0' && l[9] <= '9' &&
		       l[10] >= '0' && l[10] <= '9' && (n == 11 || l[11] == ' ');
	while (i < n && i < 32 && is_token_char(l[i]))
		i++;
	if (!i || i >= n || l[i] != ' ')
		return false;
	if (n - i < 1 + 3 + 8 || memcmp(l + n - 8, " SIP/2.0", 8))
		return false;
	/* The Request-URI: one word with a scheme, between the two spaces. */
	{
		const char *uri = l + i + 1, *uend = l + n - 8;

		if (!memchr(uri, ':', uend - uri) || memchr(uri, ' ', uend - uri))
			return false;
	}
	return true;
}

/* d opens with a complete start line. */
static bool begins_message(const char *d, size_t n)
{
	const char *nl = memchr(d, '\n', n < VQ_START_LINE_MAX ? n : VQ_START_LINE_MAX);

	return nl && is_start_line(d, nl - d);
}

/*
 * Offset of the first start line in d[0..n), or -1. On -1, *keep is where
 * the bytes worth keeping begin (an incomplete line at a line start) and
 * *ls tells whether d[*keep] begins a line.
 */
static long find_start(const char *d, size_t n, bool at_ls, size_t *keep, bool *ls)
{
	size_t pos = 0;

	while (pos < n) {
		const char *nl = memchr(d + pos, '\n', n - pos);

		if (!at_ls) {
			if (!nl) {
				*keep = n;
				*ls = false;
				return -1;
			}
			pos = nl - d + 1;
			at_ls = true;
			continue;
		}
		if (!nl) {
			*keep = pos;
			*ls = true;
			return -1;
		}
		if (is_start_line(d + pos, nl - (d + pos)))
			return (long)pos;
		pos = nl - d + 1;
	}
	*keep = n;
	*ls = at_ls;
	return -1;
}

/*
 * Cuts complete messages off the front of d and emits them. Returns how
 * many leading bytes are done with (emitted or skipped); the rest is the
 * beginning of a message still incomplete.
 */
static size_t consume(struct vq_reasm *r, struct vq_stream *s,
		      const struct vq_sip_pkt *pkt, const char *d, size_t n,
		      vq_reasm_cb cb, void *ctx)
{
	size_t off = 0, skip;
	long f;

	while (off < n) {
		if (s->hunting) {
			size_t keep = 0;
			bool ls = false;
			long p = find_start(d + off, n - off, s->at_ls, &keep, &ls);

			if (p < 0) {
				s->at_ls = ls;
				if (n - off - keep > VQ_START_LINE_MAX)
					keep = n - off;
				/*
				 * Nothing kept: what comes next starts a new
				 * segment, the likeliest place for a message
				 * to begin (one message per write is usual).
				 */
				if (keep == n - off)
					s->at_ls = true;
				return off + keep;
			}
			off += p;
			s->hunting = false;
		}
		f = vq_sip_frame(d + off, n - off, &skip);
		off += skip;
		if (f == VQ_FRAME_MORE)
			break;
		if (f == VQ_FRAME_ERROR) {
			/* Skip this start line, look for the next one. */
			r->st.frame_errors++;
			s->hunting = true;
			s->at_ls = false;
			continue;
		}
		r->st.messages++;
		cb(ctx, pkt, d + off, (size_t)f);
		off += f;
	}
	return off;
}

static bool buf_reserve(struct vq_stream *s, size_t need)
{
	size_t cap = s->bcap ? s->bcap : 2048;
	char *b;

	if (need <= s->bcap)
		return true;
	while (cap < need)
		cap *= 2;
	b = realloc(s->buf, cap);
	if (!b)
		return false;
	s->buf = b;
	s->bcap = cap;
	return true;
}

/* Drops everything buffered; the stream continues at next_seq, hunting. */
static void stream_drop(struct vq_stream *s, bool at_ls)
{
	s->blen = 0;
	s->hunting = true;
	s->at_ls = at_ls;
}

static void append(struct vq_reasm *r, struct vq_stream *s, const char *d, size_t n)
{
	if (!n)
		return;
	if (s->blen + n > r->lim.window || !buf_reserve(s, s->blen + n)) {
		/* A message that cannot fit: give it up and resynchronise. */
		r->st.overflows++;
		stream_drop(s, false);
		/* What arrives now may still hold the next start line. */
		if (n > r->lim.window || !buf_reserve(s, n))
			return;
	}
	memcpy(s->buf + s->blen, d, n);
	s->blen += n;
}

/* Moves the queued segments that have become contiguous into buf. */
static void pull_ooo(struct vq_reasm *r, struct vq_stream *s)
{
	struct vq_ooo *o;

	while ((o = s->ooo) && seq_diff(o->seq, s->next_seq) <= 0) {
		int32_t old = seq_diff(s->next_seq, o->seq);

		s->ooo = o->next;
		s->ooo_bytes -= o->len;
		if ((uint32_t)old < o->len) {
			append(r, s, o->data + old, o->len - old);
			s->next_seq = o->seq + o->len;
		}
		free(o);
	}
}

static void process_buf(struct vq_reasm *r, struct vq_stream *s,
			const struct vq_sip_pkt *pkt, vq_reasm_cb cb, void *ctx)
{
	size_t done = consume(r, s, pkt, s->buf, s->blen, cb, ctx);

	if (done) {
		memmove(s->buf, s->buf + done, s->blen - done);
		s->blen -= done;
	}
}

/*
 * The gap in front of the queued segments will not fill within the window:
 * the partial message before it is lost. Continue at the first queued
 * segment (or at seq if none), looking for a start line.
 */
static void gap_resync(struct vq_reasm *r, struct vq_stream *s, uint32_t seq,
		       const struct vq_sip_pkt *pkt, vq_reasm_cb cb, void *ctx)
{
	r->st.gaps++;
	/* A segment boundary is the likeliest place for a message to begin. */
	stream_drop(s, true);
	s->next_seq = s->ooo ? s->ooo->seq : seq;
	pull_ooo(r, s);
	process_buf(r, s, pkt, cb, ctx);
}

static void queue_ooo(struct vq_reasm *r, struct vq_stream *s, uint32_t seq,
		      const char *d, size_t n)
{
	struct vq_ooo **pp = &s->ooo, *o;

	for (; *pp && seq_diff((*pp)->seq, seq) <= 0; pp = &(*pp)->next) {
		o = *pp;
		if (seq_diff(seq + n, o->seq + o->len) <= 0) {
			/* Already queued in full: a retransmission. */
			r->st.retransmits++;
			return;
		}
	}
	o = malloc(sizeof(*o) + n);
	if (!o)
		return;
	o->seq = seq;
	o->len = n;
	memcpy(o->data, d, n);
	o->next = *pp;
	*pp = o;
	s->ooo_bytes += n;
	r->st.out_of_order++;
}

static void data_in(struct vq_reasm *r, struct vq_stream *s, uint32_t seq,
		    const char *d, size_t n, const struct vq_sip_pkt *pkt,
		    vq_reasm_cb cb, void *ctx)
{
	for (;;) {
		int32_t ahead = seq_diff(seq, s->next_seq);
		uint32_t base = s->next_seq - (uint32_t)s->blen;

		if (ahead < 0) {
			size_t old = (size_t)(-(int64_t)ahead);

			r->st.retransmits++;
			if (n <= old)
				return;
			d += old;
			n -= old;
			seq = s->next_seq;
			continue;
		}
		if (ahead > 0) {
			uint64_t span = (uint64_t)(uint32_t)(seq - base) + n;

			if (span > r->lim.window ||
			    s->ooo_bytes + n > r->lim.window) {
				gap_resync(r, s, seq, pkt, cb, ctx);
				continue;
			}
			queue_ooo(r, s, seq, d, n);
			return;
		}
		break;
	}

	s->next_seq = seq + (uint32_t)n;
	if (s->hunting && s->blen && begins_message(d, n)) {
		/*
		 * What was kept while hunting (a line that had not ended yet)
		 * is not worth more than a segment that opens with a start
		 * line.
		 */
		s->blen = 0;
		s->at_ls = true;
	}
	if (!s->blen && !s->ooo) {
		/* The common case: cut straight from the segment, copy the tail. */
		size_t done = consume(r, s, pkt, d, n, cb, ctx);

		append(r, s, d + done, n - done);
		return;
	}
	append(r, s, d, n);
	pull_ooo(r, s);
	process_buf(r, s, pkt, cb, ctx);
}

void vq_reasm_input(struct vq_reasm *r, const struct vq_sip_pkt *pkt,
		    vq_reasm_cb cb, void *ctx)
{
	struct vq_stream *s;
	uint32_t seq = pkt->tcp_seq;
	size_t n = pkt->len;

	if (pkt->l4proto != IPPROTO_TCP ||
	    (pkt->family != AF_INET && pkt->family != AF_INET6))
		return;
	r->st.segments++;
	if (pkt->tcp_flags & TCP_RST) {
		/* The connection is gone; its data is not delivered either. */
		s = stream_find(r, pkt, false);
		if (s)
			stream_forget(r, s);
		return;
	}
	if (pkt->tcp_flags & TCP_SYN) {
		s = stream_find(r, pkt, true);
		if (!s)
			return;
		stream_clear(s);
		s->hunting = false;
		s->at_ls = true;
		seq++;			/* the SYN takes one sequence number */
		s->next_seq = seq;
	} else {
		s = stream_find(r, pkt, false);
		if (!s) {
			if (!n)
				return;	/* a pure ACK or FIN of a stream never seen */
			s = stream_find(r, pkt, true);
			if (!s)
				return;
			/* Mid-connection (e.g. after a restart): start here. */
			s->next_seq = seq;
			s->hunting = true;
			s->at_ls = true;
		}
	}
	s->last_ns = pkt->tstamp_ns;
	lru_unlink(r, s);
	lru_push(r, s);

	if (n)
		data_in(r, s, seq, (const char *)pkt->payload, n, pkt, cb, ctx);
	/*
	 * A copy cut short by the module: the rest of this segment will never
	 * be seen (the sender does not retransmit what was received), so the
	 * message it belongs to is lost.
	 */
	if (pkt->full_len > n && s->next_seq == seq + (uint32_t)n) {
		r->st.gaps++;
		stream_drop(s, true);
		s->next_seq = seq + (uint32_t)pkt->full_len;
		pull_ooo(r, s);
		process_buf(r, s, pkt, cb, ctx);
	}
	if (pkt->tcp_flags & TCP_FIN)
		stream_forget(r, s);
}

void vq_reasm_expire(struct vq_reasm *r, uint64_t now_ns)
{
	uint64_t limit;

	if (now_ns < r->lim.idle_ns)
		return;
	limit = now_ns - r->lim.idle_ns;
	while (r->lru_tail && r->lru_tail->last_ns < limit)
		stream_forget(r, r->lru_tail);
}

void vq_reasm_get_stats(const struct vq_reasm *r, struct vq_reasm_stats *s)
{
	*s = r->st;
}
