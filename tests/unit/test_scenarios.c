// SPDX-License-Identifier: GPL-2.0
/*
 * The SIP exchange corpus: every tests/unit/scenarios/NAME.sip file is run
 * through vq_engine (the code path of voiceqosd and `voiceqos replay`)
 * with flow operations that only record what they are asked, and each
 * "### expect" block must list exactly the operations made since the
 * previous one. The file format is described in
 * tests/unit/scenarios/README.md.
 *
 * Content-Length: the runner checks that the value of the Content-Length
 * (or compact "l:") header is the body's real length (CRLF line ends), so
 * that an edited SDP cannot silently go out of step; "raw" on a packet
 * line skips the check (deliberately wrong framing).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "dialog.h"
#include "engine.h"
#include "log.h"
#include "test.h"

#define BASE_S 1700000000ULL	/* t=0 of every scenario, epoch seconds */
#define MAX_OPS 256
#define OP_LEN 320

/*
 * What a kernel would hold after the operations: flows keyed like the
 * module's (family, dst, dport, kind), each with the cookie of the call
 * that installed it. Operations that make no sense for a kernel (del of a
 * flow not there, del_call of a call without flows, a key taken by
 * another call) are recorded as errors.
 */
#define MAX_KFLOWS 512

struct kflow {
	uint64_t cookie;
	uint16_t family;
	uint8_t dst[16];
	uint16_t dport;
	enum vq_flow_kind kind;
};

struct rec {
	char ops[MAX_OPS][OP_LEN];
	unsigned int n;
	bool overflow;
	char evs[MAX_OPS][OP_LEN];	/* call events, checked by "### events" */
	unsigned int nev;
	struct kflow k[MAX_KFLOWS];
	unsigned int nk;
	char err[OP_LEN];		/* first inconsistency, "" if none */
	bool fail;			/* "### fail on": ops return -EIO */
};

static int kfind(const struct rec *r, const struct vq_flow_spec *f)
{
	for (unsigned int i = 0; i < r->nk; i++)
		if (r->k[i].family == f->family && r->k[i].dport == f->dport &&
		    r->k[i].kind == f->kind &&
		    !memcmp(r->k[i].dst, f->dst, f->family == AF_INET6 ? 16 : 4))
			return (int)i;
	return -1;
}

static void rec_err(struct rec *r, const char *what, const char *op)
{
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s: %s", what, op);
}

static void kernel_add(struct rec *r, const struct vq_flow_spec *f, const char *op)
{
	int i = kfind(r, f);

	if (i >= 0) {
		if (r->k[i].cookie != f->cookie)
			rec_err(r, "key already held by another call", op);
		return;
	}
	if (r->nk >= MAX_KFLOWS) {
		rec_err(r, "too many flows", op);
		return;
	}
	r->k[r->nk].cookie = f->cookie;
	r->k[r->nk].family = f->family;
	memcpy(r->k[r->nk].dst, f->dst, 16);
	r->k[r->nk].dport = f->dport;
	r->k[r->nk].kind = f->kind;
	r->nk++;
}

static void kernel_del(struct rec *r, const struct vq_flow_spec *f, const char *op)
{
	int i = kfind(r, f);

	if (i < 0 || r->k[i].cookie != f->cookie) {
		rec_err(r, "del of a flow the call does not have", op);
		return;
	}
	r->k[i] = r->k[--r->nk];
}

static void kernel_del_call(struct rec *r, uint64_t cookie, const char *op)
{
	unsigned int before = r->nk;

	for (unsigned int i = 0; i < r->nk;)
		if (r->k[i].cookie == cookie)
			r->k[i] = r->k[--r->nk];
		else
			i++;
	if (r->nk == before)
		rec_err(r, "del_call of a call without flows", op);
}

/* Does the call's view of its flows match the kernel's? */
static bool kernel_matches(const struct rec *r, const struct vq_call *c)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->nk; i++)
		if (r->k[i].cookie == c->cookie)
			n++;
	if (n != c->nflows)
		return false;
	for (unsigned int i = 0; i < c->nflows; i++) {
		int j = kfind(r, &c->flows[i]);

		if (j < 0 || r->k[j].cookie != c->cookie)
			return false;
	}
	return true;
}

static void rec_add(struct rec *r, const char *s)
{
	if (r->n >= MAX_OPS) {
		r->overflow = true;
		return;
	}
	snprintf(r->ops[r->n++], OP_LEN, "%s", s);
}

static void fmt_dst(const struct vq_flow_spec *f, char *b, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(f->family, f->dst, a, sizeof(a));
	if (f->family == AF_INET6)
		snprintf(b, len, "[%s]:%u", a, f->dport);
	else
		snprintf(b, len, "%s:%u", a, f->dport);
}

static const char *kind_str(const struct vq_flow_spec *f)
{
	return f->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp";
}

static int op_add(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	char d[64], s[OP_LEN];

	fmt_dst(f, d, sizeof(d));
	snprintf(s, sizeof(s), "add %s %s %s %s %ums %gkbps dscp %u", kind_str(f),
		 vq_media_kind_name(f->media), d, f->bw.codec, f->bw.ptime_ms,
		 (double)f->bw.wire_bps / 1000.0, f->dscp);
	if (f->cookie != c->cookie)
		rec_err(ctx, "add with a cookie not the call's", s);
	kernel_add(ctx, f, s);
	rec_add(ctx, s);
	return ((struct rec *)ctx)->fail ? -EIO : 0;
}

static int op_del(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	char d[64], s[OP_LEN];

	(void)c;
	fmt_dst(f, d, sizeof(d));
	snprintf(s, sizeof(s), "del %s %s %s", kind_str(f), vq_media_kind_name(f->media), d);
	kernel_del(ctx, f, s);
	rec_add(ctx, s);
	return ((struct rec *)ctx)->fail ? -EIO : 0;
}

static int op_del_call(void *ctx, const struct vq_call *c)
{
	char s[OP_LEN];

	snprintf(s, sizeof(s), "del_call %s", c->call_id);
	kernel_del_call(ctx, c->cookie, s);
	rec_add(ctx, s);
	return ((struct rec *)ctx)->fail ? -EIO : 0;
}

static void op_event(void *ctx, const struct vq_call *c, const char *what)
{
	struct rec *r = ctx;

	if (r->nev < MAX_OPS)
		snprintf(r->evs[r->nev++], OP_LEN, "%s %s", c->call_id[0] ? c->call_id : "-",
			 what);
}

static const struct vq_flow_ops rec_ops = {
	.add = op_add,
	.del = op_del,
	.del_call = op_del_call,
	.call_event = op_event,
};

/* ---- the scenario file ---- */

enum run_mode { RUN_NORMAL, RUN_TWICE, RUN_REVERSE, RUN_SHUFFLE };

static const char *const mode_name[] = { "", " (twice)", " (reversed)", " (shuffled)" };

struct scn {
	const char *name;
	char *text;		/* whole file */
	char *pos;		/* next line */
	unsigned int line;
	struct vq_config cfg;
	struct vq_engine *e;
	struct rec rec;
	unsigned int nexpect;
	bool stats_checked_errors;
	/*
	 * RUN_TWICE: every packet is fed twice in a row (a retransmission or
	 * a duplicate copy); the operations must be exactly those of a normal
	 * run (only the counters differ, so stats lines are skipped).
	 * RUN_REVERSE, RUN_SHUFFLE: packets are kept and fed at the end in
	 * reverse or shuffled order, checks skipped; only the kernel model
	 * must stay sane and release_all must empty it.
	 */
	enum run_mode mode;
	bool reverse;		/* REVERSE or SHUFFLE: packets held */
	struct held { struct vq_sip_pkt pkt; uint8_t *data; } *held;
	unsigned int nheld;
	/* TCP sequence numbers per direction */
	struct { char key[96]; uint32_t seq; } tcp[16];
	unsigned int ntcp;
};

/* Next line (NUL-terminated in place, without its newline), NULL at the end. */
static char *next_line(struct scn *s)
{
	char *l = s->pos, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		s->pos = nl + 1;
	} else {
		s->pos = l + strlen(l);
	}
	s->line++;
	return l;
}

static bool is_directive(const char *l)
{
	return !strncmp(l, "--- ", 4) || !strncmp(l, "### ", 4) || !strcmp(l, "+++");
}

static char *peek_line(struct scn *s)
{
	return s->pos && *s->pos ? s->pos : NULL;
}

static bool peek_directive(struct scn *s)
{
	char *p = peek_line(s);
	char buf[8];
	size_t i;

	if (!p)
		return true;
	for (i = 0; i < sizeof(buf) - 1 && p[i] && p[i] != '\n'; i++)
		buf[i] = p[i];
	buf[i] = '\0';
	return is_directive(buf);
}

static int parse_ep(const char *s, uint16_t *family, uint8_t *addr, uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t hl;

	if (*s == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -1;
		hl = (size_t)(e - s - 1);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		colon = e + 1;
		*family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
		*family = AF_INET;
	}
	memset(addr, 0, 16);
	if (inet_pton(*family, host, addr) != 1)
		return -1;
	*port = (uint16_t)atoi(colon + 1);
	return 0;
}

static uint64_t t_ns(double t)
{
	return BASE_S * 1000000000ULL + (uint64_t)(t * 1e9 + 0.5);
}

/*
 * One message block as wire bytes: CRLF line ends. The Content-Length
 * written must be the body's real length (*cl_wrong otherwise).
 */
static size_t build_msg(char **lines, unsigned int n, bool raw, char *out, size_t cap,
			bool *cl_wrong)
{
	unsigned int hdr_end = n, i;
	size_t len = 0, body = 0;
	char *p = out;

	while (n && !lines[n - 1][0])
		n--;
	for (i = 0; i < n; i++)
		if (!lines[i][0]) {
			hdr_end = i;
			break;
		}
	for (i = hdr_end + 1; i < n; i++)
		body += strlen(lines[i]) + 2;
	for (i = 0; i < hdr_end; i++) {
		const char *l = lines[i];
		char fixed[64];

		if (!raw && (!strncasecmp(l, "Content-Length:", 15) || !strncasecmp(l, "l:", 2))) {
			snprintf(fixed, sizeof(fixed), "%.*s %zu",
				 l[1] == ':' ? 2 : 15, l, body);
			if (strcmp(l, fixed))
				*cl_wrong = true;
		}
		len += (size_t)snprintf(p + len, cap - len, "%s\r\n", l);
	}
	len += (size_t)snprintf(p + len, cap - len, "\r\n");
	for (i = hdr_end + 1; i < n; i++)
		len += (size_t)snprintf(p + len, cap - len, "%s\r\n", lines[i]);
	return len < cap ? len : cap;
}

static uint32_t *tcp_seq(struct scn *s, const char *src, const char *dst)
{
	char key[96];

	snprintf(key, sizeof(key), "%s>%s", src, dst);
	for (unsigned int i = 0; i < s->ntcp; i++)
		if (!strcmp(s->tcp[i].key, key))
			return &s->tcp[i].seq;
	if (s->ntcp >= 16)
		return &s->tcp[0].seq;
	snprintf(s->tcp[s->ntcp].key, sizeof(s->tcp[s->ntcp].key), "%s", key);
	s->tcp[s->ntcp].seq = 1000;
	return &s->tcp[s->ntcp++].seq;
}

/* "--- udp|tcp SRC > DST t=SECONDS [split=N] [raw] [trunc=N]" and its messages. */
static void feed(struct scn *s, const struct vq_sip_pkt *pkt)
{
	struct held *h;

	if (!s->reverse) {
		vq_engine_input(s->e, pkt);
		if (s->mode == RUN_TWICE)
			vq_engine_input(s->e, pkt);
		return;
	}
	h = realloc(s->held, (s->nheld + 1) * sizeof(*h));
	if (!h)
		return;
	s->held = h;
	h = &s->held[s->nheld];
	h->pkt = *pkt;
	h->data = malloc(pkt->len ? pkt->len : 1);
	if (!h->data)
		return;
	memcpy(h->data, pkt->payload, pkt->len);
	h->pkt.payload = h->data;
	s->nheld++;
}

static bool run_packet(struct scn *s, char *hdr)
{
	char proto[8], src[64], dst[64], opt[4][32];
	double t = 0;
	unsigned int split = 1, trunc = 0, start = s->line;
	bool raw = false, hex = false;
	struct vq_sip_pkt pkt;
	static char buf[70000];
	size_t len = 0;
	int nf;

	opt[0][0] = opt[1][0] = opt[2][0] = opt[3][0] = '\0';
	nf = sscanf(hdr, "--- %7s %63s > %63s %31s %31s %31s %31s", proto, src, dst,
		    opt[0], opt[1], opt[2], opt[3]);
	if (nf < 4)
		return t_check(false, s->name, "line %u: bad packet line", start);
	for (int i = 0; i < nf - 3; i++) {
		if (!strncmp(opt[i], "t=", 2))
			t = atof(opt[i] + 2);
		else if (!strncmp(opt[i], "split=", 6))
			split = (unsigned int)atoi(opt[i] + 6);
		else if (!strncmp(opt[i], "trunc=", 6))
			trunc = (unsigned int)atoi(opt[i] + 6);
		else if (!strcmp(opt[i], "raw"))
			raw = true;
		else if (!strcmp(opt[i], "hex"))
			hex = true;
		else
			return t_check(false, s->name, "line %u: unknown option %s", start, opt[i]);
	}
	memset(&pkt, 0, sizeof(pkt));
	if (parse_ep(src, &pkt.family, pkt.saddr, &pkt.sport) < 0 ||
	    parse_ep(dst, &pkt.family, pkt.daddr, &pkt.dport) < 0)
		return t_check(false, s->name, "line %u: bad address", start);
	pkt.l4proto = !strcmp(proto, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	pkt.tstamp_ns = t_ns(t);
	/* Messages separated by "+++" lines are sent back to back. */
	for (;;) {
		char *lines[256];
		unsigned int n = 0;

		while (!peek_directive(s) && n < 256) {
			char *l = next_line(s);

			/* "# " lines are commentary, even between messages */
			if (strncmp(l, "# ", 2) && strcmp(l, "#"))
				lines[n++] = l;
		}
		if (n && hex) {
			/* Bytes as hex pairs (TLS records and other non-text) */
			for (unsigned int i = 0; i < n; i++)
				for (const char *p = lines[i]; *p && len < sizeof(buf);) {
					unsigned int v;

					if (*p == ' ') {
						p++;
						continue;
					}
					if (sscanf(p, "%2x", &v) != 1)
						return t_check(false, s->name, "line %u: bad hex", start);
					buf[len++] = (char)v;
					p += 2;
				}
		} else if (n) {
			bool cl_wrong = false;

			len += build_msg(lines, n, raw, buf + len, sizeof(buf) - len, &cl_wrong);
			if (cl_wrong)
				t_check(false, s->name, "line %u: Content-Length is not the body's length",
					start);
		}
		if (peek_line(s) && !strncmp(peek_line(s), "+++", 3) &&
		    (peek_line(s)[3] == '\n' || !peek_line(s)[3])) {
			next_line(s);
			continue;
		}
		break;
	}
	if (len == 0) {
		/* An empty block: a CRLF keep-alive. */
		memcpy(buf, "\r\n\r\n", 4);
		len = 4;
	}
	if (pkt.l4proto == IPPROTO_UDP || split <= 1) {
		pkt.payload = (const uint8_t *)buf;
		pkt.full_len = len;
		pkt.len = trunc && trunc < len ? trunc : len;
		if (pkt.l4proto == IPPROTO_TCP) {
			uint32_t *seq = tcp_seq(s, src, dst);

			pkt.tcp_seq = *seq;
			pkt.tcp_flags = 0x18;
			*seq += (uint32_t)len;
		}
		feed(s, &pkt);
		return true;
	}
	{
		uint32_t *seq = tcp_seq(s, src, dst);
		size_t off = 0;

		for (unsigned int i = 0; i < split; i++) {
			size_t n = (len - off) / (split - i);

			pkt.payload = (const uint8_t *)buf + off;
			pkt.len = pkt.full_len = n;
			pkt.tcp_seq = *seq + (uint32_t)off;
			pkt.tcp_flags = i == split - 1 ? 0x18 : 0x10;
			feed(s, &pkt);
			off += n;
		}
		*seq += (uint32_t)len;
	}
	return true;
}

/* "### expect" (flow operations) or "### events" (call events) and its lines. */
static void run_expect(struct scn *s, bool events)
{
	char (*got_ops)[OP_LEN] = events ? s->rec.evs : s->rec.ops;
	unsigned int *got_n = events ? &s->rec.nev : &s->rec.n;
	static char want[MAX_OPS][OP_LEN];
	unsigned int n = 0, start = s->line, i;
	char name[256];
	bool ok;

	while (!peek_directive(s)) {
		char *l = next_line(s);

		while (*l == ' ' || *l == '\t')
			l++;
		if (!*l || *l == '#')
			continue;
		if (n < MAX_OPS)
			snprintf(want[n++], OP_LEN, "%s", l);
	}
	s->nexpect++;
	if (s->reverse) {
		*got_n = 0;
		return;
	}
	snprintf(name, sizeof(name), "scenario %s%s: %s #%u (line %u)", s->name,
		 mode_name[s->mode], events ? "events" : "expect", s->nexpect, start);
	ok = n == *got_n && !s->rec.overflow;
	for (i = 0; ok && i < n; i++)
		ok = !strcmp(want[i], got_ops[i]);
	if (ok) {
		t_check(true, name, " ");
	} else {
		static char got[MAX_OPS * OP_LEN];
		size_t gl = 0;

		got[0] = '\0';
		for (i = 0; i < *got_n; i++)
			gl += (size_t)snprintf(got + gl, sizeof(got) - gl, "%s[%s]", i ? " " : "",
					       got_ops[i]);
		t_check(false, name, "%u lines expected, got %u: %s", n, *got_n,
			*got_n ? got : "(none)");
		for (i = 0; i < n; i++)
			if (i >= *got_n || strcmp(want[i], got_ops[i])) {
				printf("#   first difference: expected [%s]\n", want[i]);
				break;
			}
	}
	*got_n = 0;
	if (!events)
		s->rec.overflow = false;
}

static bool stat_value(struct scn *s, const char *k, uint64_t *v)
{
	struct vq_engine_stats st;
	const struct { const char *name; const uint64_t *p; } *f, tab[] = {
		{ "packets", &st.packets }, { "messages", &st.messages },
		{ "parse_errors", &st.parse_errors }, { "truncated", &st.truncated },
		{ "tls", &st.tls }, { "keepalives", &st.keepalives },
		{ "retransmissions", &st.dialogs.retransmissions },
		{ "calls_total", &st.dialogs.calls_total },
		{ "calls_active", &st.dialogs.calls_active },
		{ "untrusted", &st.dialogs.untrusted }, { "dropped_max", &st.dialogs.dropped_max },
		{ "timeouts", &st.dialogs.timeouts }, { "orphans", &st.dialogs.orphans },
		{ "sdp_errors", &st.dialogs.sdp_errors }, { "flow_errors", &st.dialogs.flow_errors },
		{ "adopted", &st.dialogs.adopted }, { "tcp_messages", &st.tcp.messages },
		{ "tcp_segments", &st.tcp.segments }, { NULL, NULL },
	};

	vq_engine_get_stats(s->e, &st);
	for (f = tab; f->name; f++)
		if (!strcmp(f->name, k)) {
			*v = *f->p;
			return true;
		}
	return false;
}

/* "### stats key=value ..." */
static void run_stats(struct scn *s, char *args)
{
	char *tok, *save = NULL;
	char name[256];

	for (tok = strtok_r(args, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t v, want;

		snprintf(name, sizeof(name), "scenario %s: line %u: %s", s->name, s->line, tok);
		if (!eq) {
			t_check(false, name, "expected key=value");
			continue;
		}
		*eq = '\0';
		want = strtoull(eq + 1, NULL, 10);
		if (!strcmp(tok, "parse_errors") || !strcmp(tok, "sdp_errors"))
			s->stats_checked_errors = true;
		if (!stat_value(s, tok, &v)) {
			t_check(false, name, "unknown statistic");
			continue;
		}
		t_check(v == want, name, "%s is %llu", tok, (unsigned long long)v);
	}
}

/* "### state CALL-ID STATE": the live call's state, or "none". */
static void run_state(struct scn *s, char *args)
{
	char id[VQ_SIP_ID_MAX], want[32], name[400];
	const struct vq_call *c;
	const char *got;

	if (sscanf(args, "%255s %31s", id, want) != 2) {
		t_check(false, s->name, "line %u: bad state line", s->line);
		return;
	}
	c = vq_dialogs_find(vq_engine_dialogs(s->e), vq_call_cookie(id));
	got = c ? vq_call_state_name(c->state) : "none";
	snprintf(name, sizeof(name), "scenario %s: line %u: call %s %s", s->name, s->line,
		 id, want);
	t_check(!strcmp(got, want), name, "state is %s", got);
}

/*
 * "### adopt CALL-ID rtp|rtcp audio|video|image DST": a kernel flow found
 * at start; "### gone ... DST t=SECONDS": the kernel expired that flow.
 */
static void run_flow(struct scn *s, char *args, bool adopt)
{
	char id[VQ_SIP_ID_MAX], kind[8], media[8], dst[64], when[32] = "t=0";
	struct vq_flow_spec f;

	memset(&f, 0, sizeof(f));
	if (sscanf(args, "%255s %7s %7s %63s %31s", id, kind, media, dst, when) < 4 ||
	    parse_ep(dst, &f.family, f.dst, &f.dport) < 0 || strncmp(when, "t=", 2)) {
		t_check(false, s->name, "line %u: bad flow line", s->line);
		return;
	}
	f.cookie = vq_call_cookie(id);
	f.kind = !strcmp(kind, "rtcp") ? VQ_FLOW_RTCP : VQ_FLOW_RTP;
	f.media = !strcmp(media, "video") ? VQ_KIND_VIDEO :
		  !strcmp(media, "image") ? VQ_KIND_IMAGE : VQ_KIND_AUDIO;
	f.src_any = true;
	if (adopt) {
		kernel_add(&s->rec, &f, "adopt");
		vq_dialogs_adopt(vq_engine_dialogs(s->e), &f, t_ns(atof(when + 2)));
	} else if (!s->reverse) {
		int i = kfind(&s->rec, &f);

		if (i >= 0)
			s->rec.k[i] = s->rec.k[--s->rec.nk];
		vq_dialogs_flow_gone(vq_engine_dialogs(s->e), &f, t_ns(atof(when + 2)));
	}
}

/* "### config" and INI lines up to the next directive: loaded with vq_config_load. */
static bool run_config(struct scn *s)
{
	char path[] = "/tmp/vq-scenario-XXXXXX", err[512];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return t_check(false, s->name, "cannot create a temporary config");
	}
	while (!peek_directive(s))
		fprintf(f, "%s\n", next_line(s));
	fclose(f);
	rc = vq_config_load(path, &s->cfg, err, sizeof(err));
	unlink(path);
	if (rc < 0)
		return t_check(false, s->name, "config: %s", err);
	vq_engine_set_config(s->e, &s->cfg);
	return true;
}

static void final_checks(struct scn *s, const char *file)
{
	const struct vq_call *c;
	char name[300];
	bool ok = true;

	if (!s->reverse) {
		for (c = vq_dialogs_first(vq_engine_dialogs(s->e)); c;
		     c = vq_dialogs_next(vq_engine_dialogs(s->e), c))
			ok = ok && kernel_matches(&s->rec, c);
		snprintf(name, sizeof(name), "scenario %s%s: calls' flows are the kernel's", file,
			 mode_name[s->mode]);
		t_check(ok, name, "a call's view differs from the operations made");
	}
	vq_dialogs_release_all(vq_engine_dialogs(s->e), t_ns(100000));
	snprintf(name, sizeof(name), "scenario %s%s: operations consistent, release_all empties",
		 file, mode_name[s->mode]);
	t_check(!s->rec.err[0] && s->rec.nk == 0 && !vq_dialogs_first(vq_engine_dialogs(s->e)),
		name, "%s; %u flows left", s->rec.err[0] ? s->rec.err : "no error", s->rec.nk);
}

static void run_file(const char *dir, const char *file, enum run_mode mode)
{
	bool reverse = mode == RUN_REVERSE || mode == RUN_SHUFFLE;
	char path[512], name[300];
	struct scn *s = calloc(1, sizeof(*s));
	FILE *f;
	long sz;
	char *l;
	uint64_t v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!s || !f || fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(s->text = calloc(1, (size_t)sz + 1)) ||
	    fread(s->text, 1, (size_t)sz, f) != (size_t)sz) {
		t_check(false, file, "cannot read %s", path);
		if (f)
			fclose(f);
		if (s)
			free(s->text);
		free(s);
		return;
	}
	fclose(f);
	s->name = file;
	s->pos = s->text;
	s->reverse = reverse;
	s->mode = mode;
	vq_config_defaults(&s->cfg);
	s->e = vq_engine_new(&s->cfg, &rec_ops, &s->rec);
	if (!s->e) {
		t_check(false, file, "vq_engine_new failed");
		goto out;
	}
	while ((l = next_line(s))) {
		if (!strncmp(l, "--- ", 4))
			run_packet(s, l);
		else if (!strcmp(l, "### expect"))
			run_expect(s, false);
		else if (!strcmp(l, "### events"))
			run_expect(s, true);
		else if (!strncmp(l, "### tick t=", 11) && !reverse)
			vq_engine_tick(s->e, t_ns(atof(l + 11)));
		else if (!strncmp(l, "### stats ", 10) && mode == RUN_NORMAL)
			run_stats(s, l + 10);
		else if (!strncmp(l, "### state ", 10) && !reverse)
			run_state(s, l + 10);
		else if (!strncmp(l, "### tick t=", 11) || !strncmp(l, "### stats ", 10) ||
			 !strncmp(l, "### state ", 10))
			continue;
		else if (!strncmp(l, "### adopt ", 10))
			run_flow(s, l + 10, true);
		else if (!strncmp(l, "### gone ", 9))
			run_flow(s, l + 9, false);
		else if (!strcmp(l, "### config"))
			run_config(s);
		else if (!strcmp(l, "### fail on") || !strcmp(l, "### fail off"))
			s->rec.fail = !strcmp(l, "### fail on");
		else if (!strncmp(l, "### ", 4) || !strncmp(l, "--- ", 4) || !strcmp(l, "+++"))
			t_check(false, file, "line %u: unknown directive %s", s->line, l);
		/* anything else outside a block is commentary */
	}
	if (reverse) {
		uint32_t rnd = 12345;

		/* A fixed permutation: the run is the same every time. */
		for (unsigned int i = s->nheld; mode == RUN_SHUFFLE && i > 1; i--) {
			unsigned int j;
			struct held t;

			rnd = rnd * 1103515245u + 12345u;
			j = (rnd >> 8) % i;
			t = s->held[i - 1];
			s->held[i - 1] = s->held[j];
			s->held[j] = t;
		}
		for (unsigned int i = s->nheld; i-- > 0;) {
			vq_engine_input(s->e, &s->held[i].pkt);
			free(s->held[i].data);
		}
		free(s->held);
		s->rec.n = 0;
		final_checks(s, file);
		vq_engine_free(s->e);
		goto out;
	}
	snprintf(name, sizeof(name), "scenario %s%s: no operation after the last expect", file,
		 mode_name[mode]);
	t_check(s->rec.n == 0, name, "%u more, first [%s]", s->rec.n, s->rec.ops[0]);
	final_checks(s, file);
	if (!s->stats_checked_errors && mode == RUN_NORMAL) {
		snprintf(name, sizeof(name), "scenario %s: every message and SDP parsed", file);
		stat_value(s, "parse_errors", &v);
		{
			uint64_t w;

			stat_value(s, "sdp_errors", &w);
			t_check(v == 0 && w == 0, name, "%llu parse errors, %llu SDP errors",
				(unsigned long long)v, (unsigned long long)w);
		}
	}
	vq_engine_free(s->e);
out:
	free(s->text);
	free(s);
}

/* The current log level, to put back after a suite that quiets the log. */
static int log_level(void)
{
	int l = LOG_DEBUG;

	while (l > LOG_EMERG && !vq_log_enabled(l))
		l--;
	return l;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

T_SUITE(scenarios)
{
	const char *dir = t_path("scenarios");
	char *dirc = strdup(dir), *names[256];
	unsigned int n = 0;
	int level;
	struct dirent *de;
	DIR *dp = dirc ? opendir(dirc) : NULL;

	if (!dp) {
		t_check(false, "scenarios: corpus directory", "cannot open %s", dir);
		free(dirc);
		return;
	}
	level = log_level();
	/* The corpus provokes warnings on purpose (untrusted calls, errors). */
	vq_log_set_level(LOG_ERR);
	while ((de = readdir(dp)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".sip"))
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	t_check(n >= 25, "scenarios: corpus has every required scenario", "only %u files", n);
	for (unsigned int i = 0; i < n; i++) {
		if (names[i]) {
			run_file(dirc, names[i], RUN_NORMAL);
			run_file(dirc, names[i], RUN_TWICE);
			run_file(dirc, names[i], RUN_REVERSE);
			run_file(dirc, names[i], RUN_SHUFFLE);
		}
		free(names[i]);
	}
	free(dirc);
	vq_log_set_level(level);
}

/* The cookie is part of the contract with the daemon and the kernel's dump. */
T_SUITE(call_cookie)
{
	uint64_t c = vq_call_cookie("a");

	/* FNV-1a-64("a") = 0xaf63dc4c8601ec8c: low 56 bits kept, top byte 0x56 */
	t_check(c == 0x5663dc4c8601ec8cULL, "cookie of \"a\"", "got %016llx",
		(unsigned long long)c);
	t_check(VQ_COOKIE_IS_OURS(c), "cookie carries our tag", "%016llx",
		(unsigned long long)c);
	c = vq_call_cookie("");
	t_check(c == 0x56f29ce484222325ULL, "cookie of the empty Call-ID", "got %016llx",
		(unsigned long long)c);
	t_check(!VQ_COOKIE_IS_OURS(0x1234ULL) && !VQ_COOKIE_IS_OURS(0),
		"foreign cookies are not ours", " ");
}

/*
 * The input helper's adversarial corpus (corpus/bad) through the whole
 * engine, as UDP datagrams and as TCP streams in one and in 7-byte
 * segments, all into one engine so that whatever calls they create meet
 * each other: no crash (ASan/valgrind), and the flow operations stay
 * consistent with a kernel model.
 */
T_SUITE(engine_badinput)
{
	char *dirc = strdup(t_path("corpus/bad")), path[600];
	struct vq_config cfg;
	struct rec *r = calloc(1, sizeof(*r));
	struct vq_engine *e;
	struct vq_engine_stats st;
	struct dirent *de;
	DIR *dp = dirc ? opendir(dirc) : NULL;
	uint32_t seq = 1000;
	unsigned int files = 0;
	int level = log_level();

	if (!dp || !r) {
		t_check(false, "engine badinput: corpus", "cannot open %s", dirc ? dirc : "?");
		free(dirc);
		free(r);
		if (dp)
			closedir(dp);
		return;
	}
	vq_config_defaults(&cfg);
	vq_log_set_level(LOG_ERR);	/* every file is refused with a log line */
	e = vq_engine_new(&cfg, &rec_ops, r);
	while (e && (de = readdir(dp))) {
		static uint8_t buf[200000];
		struct vq_sip_pkt pkt;
		size_t len;
		FILE *f;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "MANIFEST"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirc, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		files++;
		memset(&pkt, 0, sizeof(pkt));
		pkt.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.10", pkt.saddr);
		inet_pton(AF_INET, "198.51.100.20", pkt.daddr);
		pkt.sport = pkt.dport = 5060;
		pkt.tstamp_ns = t_ns(files);
		pkt.payload = buf;
		pkt.l4proto = IPPROTO_UDP;
		pkt.len = pkt.full_len = len;
		vq_engine_input(e, &pkt);
		pkt.l4proto = IPPROTO_TCP;
		pkt.sport = 40000;
		pkt.tcp_seq = seq;
		vq_engine_input(e, &pkt);
		seq += (uint32_t)len;
		pkt.sport = 40001;
		for (size_t off = 0; off < len; off += 7) {
			pkt.payload = buf + off;
			pkt.len = pkt.full_len = len - off < 7 ? len - off : 7;
			pkt.tcp_seq = 5000 + (uint32_t)(files * 200000 + off);
			vq_engine_input(e, &pkt);
		}
		vq_engine_tick(e, pkt.tstamp_ns);
	}
	closedir(dp);
	if (e) {
		vq_engine_get_stats(e, &st);
		t_check(files >= 20 && st.packets > files, "engine badinput: corpus fed",
			"%u files, %llu packets", files, (unsigned long long)st.packets);
		vq_dialogs_release_all(vq_engine_dialogs(e), t_ns(1e6));
		t_check(!r->err[0] && r->nk == 0, "engine badinput: operations consistent",
			"%s; %u flows left", r->err[0] ? r->err : "no error", r->nk);
		vq_engine_free(e);
	} else {
		t_check(false, "engine badinput: engine", "vq_engine_new failed");
	}
	free(r);
	free(dirc);
	vq_log_set_level(level);
}
