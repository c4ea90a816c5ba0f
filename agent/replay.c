// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos replay [--config FILE] [--json] [--log-level LEVEL] CAPTURE
 *
 * Runs every signalling packet of a capture through the daemon's own input
 * path (vq_engine: TCP reassembly, libosip2, SDP, dialogs, sizing) with
 * flow operations that record instead of talking to the kernel, and with
 * the capture's clock driving the timeouts. Prints the reservations the
 * daemon would have made, when, and when it would have removed them.
 *
 * Flow history: one entry per reservation interval. A flow is keyed like
 * the kernel's (family, dst, dport, kind). An add() of a key the call does
 * not hold opens an entry; an add() of a held key with the same sizing,
 * DSCP and source is the kernel's idempotent replace and changes nothing;
 * with anything different (codec change, re-sizing, latched source) the
 * old entry gets removed_at = now and a new entry opens, so that every
 * entry describes one reservation as it was. del()/del_call() close
 * entries. Entries still open at the end of the capture have removed_at
 * null: the capture ends, the calls do not.
 *
 * Notes: a call with no flows needs a reason. The engine and the dialog
 * layer say why in their log ("call ID: SDP refused: ...", "...: no
 * reservation", timeouts), at info, below replay's default level. Replay
 * runs the log at info at least into a memory stream of its own, passes on
 * to stderr only the lines the user's level asks for, and keeps every
 * "call ID: ..." line at info or above as a note of that call, printed with
 * it in the table and the JSON. Info lines are per call, not per message,
 * so this costs nothing measurable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "common.h"
#include "config.h"
#include "dialog.h"
#include "engine.h"
#include "json.h"
#include "log.h"
#include "pcap_in.h"
#include "sip.h"

#define NS ((uint64_t)1000000000)

struct rflow {
	struct vq_flow_spec spec;
	uint64_t installed_ns, removed_ns;
	bool live;
};

#define NOTES_MAX 8		/* per call; more are counted, not kept */

struct rcall {
	char *call_id, *from, *to;
	char *notes[NOTES_MAX];
	unsigned int nnotes, notes_dropped;
	uint64_t cookie;
	uint8_t transport;
	int final_status;
	bool trusted;
	enum vq_call_state state;
	struct rflow *flows;
	size_t nflows, cap;
};

struct recorder {
	struct rcall *calls;
	size_t ncalls, cap;
	size_t *slots;		/* open addressing by cookie: call index + 1 */
	size_t nslots;
	uint64_t now_ns;	/* time of the packet or tick being run */
	size_t nflows;
	bool oom;
	/* Notes logged before their call was recorded (the INVITE that creates it). */
	struct pending_note {
		uint64_t cookie;
		char *call_id, *text;
	} *pending;
	size_t npending, cap_pending;
	/* The log's memory stream: one line at a time. */
	char line[8192];
	size_t line_len;
	int user_level;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static bool grow_slots(struct recorder *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 1024, i, h;
	size_t *s = calloc(n, sizeof(*s));

	if (!s)
		return false;
	for (i = 0; i < r->ncalls; i++) {
		for (h = r->calls[i].cookie & (n - 1); s[h]; h = (h + 1) & (n - 1))
			;
		s[h] = i + 1;
	}
	free(r->slots);
	r->slots = s;
	r->nslots = n;
	return true;
}

static struct rcall *find_call(const struct recorder *r, uint64_t cookie,
				const char *call_id)
{
	struct rcall *rc;
	size_t h;

	if (!r->nslots)
		return NULL;
	for (h = cookie & (r->nslots - 1); r->slots[h];
	     h = (h + 1) & (r->nslots - 1)) {
		rc = &r->calls[r->slots[h] - 1];
		if (rc->cookie == cookie && strcmp(rc->call_id, call_id) == 0)
			return rc;
	}
	return NULL;
}

/* The record of call c, created on first sight; its fields follow c. */
static struct rcall *rec_call(struct recorder *r, const struct vq_call *c)
{
	struct rcall *rc;
	size_t h;

	rc = find_call(r, c->cookie, c->call_id);
	if (rc)
		goto found;
	if ((r->ncalls + 1) * 2 > r->nslots && !grow_slots(r))
		goto oom;
	if (r->ncalls == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct rcall *n = realloc(r->calls, cap * sizeof(*n));

		if (!n)
			goto oom;
		r->calls = n;
		r->cap = cap;
	}
	rc = &r->calls[r->ncalls];
	memset(rc, 0, sizeof(*rc));
	rc->cookie = c->cookie;
	rc->call_id = dup_or_empty(c->call_id);
	rc->from = dup_or_empty(c->from);
	rc->to = dup_or_empty(c->to);
	if (!rc->call_id || !rc->from || !rc->to) {
		free(rc->call_id);
		free(rc->from);
		free(rc->to);
		goto oom;
	}
	for (h = c->cookie & (r->nslots - 1); r->slots[h];
	     h = (h + 1) & (r->nslots - 1))
		;
	r->slots[h] = ++r->ncalls;
found:
	rc->transport = c->transport;
	rc->trusted = c->trusted;
	rc->state = c->state;
	if (c->final_status)
		rc->final_status = c->final_status;
	return rc;
oom:
	r->oom = true;
	return NULL;
}

static bool same_key(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	return a->family == b->family && a->kind == b->kind &&
	       a->dport == b->dport &&
	       memcmp(a->dst, b->dst, a->family == AF_INET ? 4 : 16) == 0;
}

/* Would the kernel's flow differ in anything replay reports? */
static bool same_flow(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	return a->media == b->media && a->dscp == b->dscp &&
	       a->src_any == b->src_any && a->sport == b->sport &&
	       (a->src_any || memcmp(a->src, b->src, 16) == 0) &&
	       a->priority == b->priority && a->mark == b->mark &&
	       a->bw.wire_bps == b->bw.wire_bps &&
	       a->bw.burst_bytes == b->bw.burst_bytes &&
	       a->bw.ptime_ms == b->bw.ptime_ms &&
	       a->bw.clock_rate == b->bw.clock_rate &&
	       strcmp(a->bw.codec, b->bw.codec) == 0;
}

static struct rflow *live_flow(struct rcall *rc, const struct vq_flow_spec *f)
{
	size_t i;

	for (i = rc->nflows; i-- > 0;)
		if (rc->flows[i].live && same_key(&rc->flows[i].spec, f))
			return &rc->flows[i];
	return NULL;
}

static int rec_add(void *ctx, const struct vq_call *c,
		   const struct vq_flow_spec *f)
{
	struct recorder *r = ctx;
	struct rcall *rc = rec_call(r, c);
	struct rflow *old, *nf;

	if (!rc)
		return -12;	/* -ENOMEM: the dialog layer counts it */
	old = live_flow(rc, f);
	if (old) {
		if (same_flow(&old->spec, f))
			return 0;
		old->live = false;
		old->removed_ns = r->now_ns;
	}
	if (rc->nflows == rc->cap) {
		size_t cap = rc->cap ? rc->cap * 2 : 4;
		struct rflow *n = realloc(rc->flows, cap * sizeof(*n));

		if (!n) {
			r->oom = true;
			return -12;
		}
		rc->flows = n;
		rc->cap = cap;
	}
	nf = &rc->flows[rc->nflows++];
	nf->spec = *f;
	nf->installed_ns = f->installed_ns ? f->installed_ns : r->now_ns;
	nf->removed_ns = 0;
	nf->live = true;
	r->nflows++;
	return 0;
}

static int rec_del(void *ctx, const struct vq_call *c,
		   const struct vq_flow_spec *f)
{
	struct recorder *r = ctx;
	struct rcall *rc = rec_call(r, c);
	struct rflow *old;

	if (!rc)
		return -12;
	old = live_flow(rc, f);
	/* The kernel would say ENOENT; the dialog layer logs and counts it. */
	if (!old)
		return -2;
	old->live = false;
	old->removed_ns = r->now_ns;
	return 0;
}

static int rec_del_call(void *ctx, const struct vq_call *c)
{
	struct recorder *r = ctx;
	struct rcall *rc = rec_call(r, c);
	size_t i;

	if (!rc)
		return -12;
	for (i = 0; i < rc->nflows; i++) {
		if (rc->flows[i].live) {
			rc->flows[i].live = false;
			rc->flows[i].removed_ns = r->now_ns;
		}
	}
	return 0;
}

static void rec_event(void *ctx, const struct vq_call *c, const char *what)
{
	(void)what;
	rec_call(ctx, c);
}

static const struct vq_flow_ops rec_ops = {
	.add = rec_add,
	.del = rec_del,
	.del_call = rec_del_call,
	.call_event = rec_event,
};

/* Takes text; a repeat of a note the call has (retransmissions) is dropped. */
static void add_note(struct rcall *rc, char *text)
{
	unsigned int i;

	for (i = 0; i < rc->nnotes; i++) {
		if (strcmp(rc->notes[i], text) == 0) {
			free(text);
			return;
		}
	}
	if (rc->nnotes == NOTES_MAX) {
		rc->notes_dropped++;
		free(text);
		return;
	}
	rc->notes[rc->nnotes++] = text;
}

/*
 * Gives pending notes to their calls once recorded. At the end (final),
 * a note whose Call-ID never became a call (an answer to an INVITE the
 * capture does not hold) goes to stderr: there is no row to put it on.
 */
static void resolve_notes(struct recorder *r, bool final)
{
	size_t i, k = 0;

	for (i = 0; i < r->npending; i++) {
		struct pending_note *p = &r->pending[i];
		struct rcall *rc = find_call(r, p->cookie, p->call_id);

		if (rc) {
			add_note(rc, p->text);
		} else if (final) {
			fprintf(stderr, "voiceqos replay: call %s (not seen starting): %s\n",
				p->call_id, p->text);
			free(p->text);
		} else {
			r->pending[k++] = *p;
			continue;
		}
		free(p->call_id);
	}
	r->npending = k;
}

/* One line of the log: "IDENT[LEVEL]: MESSAGE". */
static void log_line(struct recorder *r, const char *l)
{
	const char *lv = strchr(l, '['), *end, *msg, *id, *sp;
	char name[16];
	int level = LOG_ERR;
	struct pending_note *p;

	end = lv ? strstr(lv, "]: ") : NULL;
	if (end && (size_t)(end - lv - 1) < sizeof(name)) {
		memcpy(name, lv + 1, end - lv - 1);
		name[end - lv - 1] = '\0';
		level = vq_log_level_parse(name);
		if (level < 0)		/* crit and above */
			level = LOG_ERR;
	}
	if (level <= r->user_level)
		fprintf(stderr, "%s\n", l);
	if (!end || level > LOG_INFO || strncmp(end + 3, "call ", 5) != 0)
		return;
	/* Call-IDs have no spaces: "call ID: TEXT". */
	id = end + 8;
	sp = strchr(id, ' ');
	if (!sp || sp == id || sp[-1] != ':' || !sp[1])
		return;
	msg = sp + 1;
	if (r->npending == r->cap_pending) {
		size_t cap = r->cap_pending ? r->cap_pending * 2 : 16;

		p = realloc(r->pending, cap * sizeof(*p));
		if (!p) {
			r->oom = true;
			return;
		}
		r->pending = p;
		r->cap_pending = cap;
	}
	p = &r->pending[r->npending];
	p->call_id = strndup(id, sp - 1 - id);
	p->text = strdup(msg);
	if (!p->call_id || !p->text) {
		free(p->call_id);
		free(p->text);
		r->oom = true;
		return;
	}
	p->cookie = vq_call_cookie(p->call_id);
	r->npending++;
}

static ssize_t log_write(void *ctx, const char *buf, size_t len)
{
	struct recorder *r = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			r->line[r->line_len] = '\0';
			log_line(r, r->line);
			r->line_len = 0;
		} else if (r->line_len + 1 < sizeof(r->line)) {
			r->line[r->line_len++] = buf[i];
		}
	}
	return len;
}

static void rec_free(struct recorder *r)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < r->npending; i++) {
		free(r->pending[i].call_id);
		free(r->pending[i].text);
	}
	free(r->pending);
	for (i = 0; i < r->ncalls; i++) {
		for (k = 0; k < r->calls[i].nnotes; k++)
			free(r->calls[i].notes[k]);
		free(r->calls[i].call_id);
		free(r->calls[i].from);
		free(r->calls[i].to);
		free(r->calls[i].flows);
	}
	free(r->calls);
	free(r->slots);
}

/* "IP:PORT", "[IPv6]:PORT"; port 0 and a wildcard address print as *. */
static const char *endpoint(char *buf, size_t len, uint16_t family,
			    const uint8_t *addr, bool any, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "?", p[8] = "*";

	if (any && !port)
		return "*";
	if (port)
		snprintf(p, sizeof(p), "%u", port);
	if (any)
		snprintf(a, sizeof(a), "*");
	else
		inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 && !any ? "[%s]:%s" : "%s:%s", a, p);
	return buf;
}

/* Thousandths as a decimal without trailing zeros: 87200 -> "87.2". */
static const char *milli(char *buf, size_t len, uint64_t v)
{
	int n = snprintf(buf, len, "%" PRIu64 ".%03u", v / 1000,
			 (unsigned int)(v % 1000));

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* kbit/s as a JSON float: 48000 -> "48.0", 87200 -> "87.2", 4360 -> "4.36". */
static const char *kbps(char *buf, size_t len, uint64_t v)
{
	milli(buf, len, v);
	if (!strchr(buf, '.'))
		strncat(buf, ".0", len - strlen(buf) - 1);
	return buf;
}

static const char *epoch(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%" PRIu64 ".%06u", ns / NS,
		 (unsigned int)(ns % NS / 1000));
	return buf;
}

/* A number that json.h has no writer for, placed as the value of key. */
static void json_kv_raw(struct json *j, const char *key, const char *num)
{
	json_key(j, key);
	j->after_key = false;
	fputs(num, j->f);
}

static const char *transport_name(uint8_t t)
{
	return t == IPPROTO_TCP ? "tcp" : "udp";
}

struct totals {
	struct vq_engine_stats es;
	struct vq_pcap_stats ps;
	uint64_t first_ns;
};

static void print_json(const struct recorder *r, const struct totals *t)
{
	char b1[64], b2[64];
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "calls");
	json_arr_begin(&j);
	for (i = 0; i < r->ncalls; i++) {
		const struct rcall *c = &r->calls[i];

		json_obj_begin(&j);
		json_kv_str(&j, "call_id", c->call_id);
		json_kv_str(&j, "from", c->from);
		json_kv_str(&j, "to", c->to);
		json_kv_str(&j, "transport", transport_name(c->transport));
		json_kv_opt(&j, "final_status", c->final_status != 0,
			    (uint64_t)c->final_status);
		json_kv_str(&j, "state", vq_call_state_name(c->state));
		json_key(&j, "trusted");
		json_bool(&j, c->trusted);
		json_key(&j, "notes");
		json_arr_begin(&j);
		for (k = 0; k < c->nnotes; k++)
			json_str(&j, c->notes[k]);
		if (c->notes_dropped) {
			snprintf(b1, sizeof(b1), "%u more notes not kept", c->notes_dropped);
			json_str(&j, b1);
		}
		json_arr_end(&j);
		json_key(&j, "flows");
		json_arr_begin(&j);
		for (k = 0; k < c->nflows; k++) {
			const struct rflow *f = &c->flows[k];
			const struct vq_flow_spec *s = &f->spec;

			json_obj_begin(&j);
			json_kv_str(&j, "kind", s->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp");
			json_kv_str(&j, "media", vq_media_kind_name(s->media));
			json_kv_str(&j, "src", endpoint(b1, sizeof(b1), s->family,
							s->src, s->src_any, s->sport));
			json_kv_str(&j, "dst", endpoint(b2, sizeof(b2), s->family,
							s->dst, false, s->dport));
			json_kv_str(&j, "codec", s->bw.codec);
			json_kv_u64(&j, "ptime_ms", s->bw.ptime_ms);
			json_kv_raw(&j, "kbps", kbps(b1, sizeof(b1), s->bw.wire_bps));
			json_kv_u64(&j, "dscp", s->dscp);
			json_kv_u64(&j, "burst_bytes", s->bw.burst_bytes);
			json_kv_raw(&j, "installed_at",
				    epoch(b1, sizeof(b1), f->installed_ns));
			if (f->live)
				json_kv_opt(&j, "removed_at", false, 0);
			else
				json_kv_raw(&j, "removed_at",
					    epoch(b1, sizeof(b1), f->removed_ns));
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "summary");
	json_obj_begin(&j);
	json_kv_u64(&j, "messages", t->es.messages);
	json_kv_u64(&j, "parse_errors", t->es.parse_errors);
	json_kv_u64(&j, "calls", r->ncalls);
	json_kv_u64(&j, "flows", r->nflows);
	json_kv_u64(&j, "sdp_errors", t->es.dialogs.sdp_errors);
	json_kv_u64(&j, "frames", t->ps.frames);
	json_kv_u64(&j, "packets", t->es.packets);
	json_kv_u64(&j, "fragments", t->ps.fragments);
	json_kv_u64(&j, "reassembled", t->ps.reassembled);
	json_kv_u64(&j, "truncated", t->es.truncated + t->ps.truncated);
	json_kv_u64(&j, "tls", t->es.tls);
	json_kv_u64(&j, "retransmissions", t->es.dialogs.retransmissions);
	json_kv_u64(&j, "untrusted", t->es.dialogs.untrusted);
	json_kv_u64(&j, "timeouts", t->es.dialogs.timeouts);
	json_obj_end(&j);
	json_obj_end(&j);
	fputc('\n', stdout);
}

/* Seconds since the first packet, for people. */
static const char *rel(char *buf, size_t len, uint64_t ns, uint64_t first)
{
	uint64_t d = ns > first ? ns - first : 0;

	snprintf(buf, len, "%" PRIu64 ".%03u", d / NS,
		 (unsigned int)(d % NS / 1000000));
	return buf;
}

static void print_table(const struct recorder *r, const struct totals *t)
{
	char b1[64], b2[64], b3[32], b4[32], b5[32];
	size_t i, k;

	for (i = 0; i < r->ncalls; i++) {
		const struct rcall *c = &r->calls[i];

		printf("call %s  %s -> %s  %s  %s", c->call_id, c->from, c->to,
		       transport_name(c->transport), vq_call_state_name(c->state));
		if (c->final_status)
			printf(" %d", c->final_status);
		if (!c->trusted)
			printf("  untrusted");
		putchar('\n');
		for (k = 0; k < c->nnotes; k++)
			printf("  note: %s\n", c->notes[k]);
		if (c->notes_dropped)
			printf("  note: %u more notes not kept\n", c->notes_dropped);
		for (k = 0; k < c->nflows; k++) {
			const struct rflow *f = &c->flows[k];
			const struct vq_flow_spec *s = &f->spec;

			/* RTCP is sized from its stream: no packetisation. */
			if (s->kind == VQ_FLOW_RTCP)
				snprintf(b5, sizeof(b5), "(RTCP)");
			else
				snprintf(b5, sizeof(b5), "%u ms", s->bw.ptime_ms);
			printf("  %-4s %-5s %s -> %s  %s %s  %s kbit/s  dscp %u  +%s..",
			       s->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp",
			       vq_media_kind_name(s->media),
			       endpoint(b1, sizeof(b1), s->family, s->src,
					s->src_any, s->sport),
			       endpoint(b2, sizeof(b2), s->family, s->dst,
					false, s->dport),
			       s->bw.codec, b5,
			       milli(b3, sizeof(b3), s->bw.wire_bps), s->dscp,
			       rel(b4, sizeof(b4), f->installed_ns, t->first_ns));
			printf("%s\n", f->live ? "" : rel(b5, sizeof(b5), f->removed_ns,
							  t->first_ns));
		}
	}
	printf("%" PRIu64 " messages, %" PRIu64 " parse errors, %zu calls, %zu flows",
	       t->es.messages, t->es.parse_errors, r->ncalls, r->nflows);
	if (t->ps.fragments)
		printf(", %" PRIu64 " IP fragments (%" PRIu64 " datagrams rebuilt)",
		       t->ps.fragments, t->ps.reassembled);
	if (t->es.dialogs.sdp_errors)
		printf(", %" PRIu64 " SDP bodies refused", t->es.dialogs.sdp_errors);
	if (t->es.tls)
		printf(", %" PRIu64 " TLS packets not readable", t->es.tls);
	putchar('\n');
}

/* "voiceqos replay: ..." as the issue words it, where the CLI's errors go. */
__attribute__((format(printf, 1, 2)))
static void replay_err(const char *fmt, ...)
{
	FILE *f = vq_errf ? vq_errf : stderr;
	va_list ap;

	fflush(stdout);
	fputs("voiceqos replay: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

static int replay_usage(void)
{
	return vq_usage("usage: voiceqos replay [--config FILE] [--json] "
			"[--log-level LEVEL] CAPTURE");
}

int replay_main(int argc, char *argv[])
{
	const char *conf = NULL, *capture = NULL;
	struct recorder rec = { 0 };
	struct totals tot = { 0 };
	struct vq_config *cfg;
	struct vq_sip_pkt pkt;
	struct vq_engine *e;
	struct vq_pcap *pc;
	FILE *logf;
	uint64_t last_tick = 0;
	int level = LOG_WARNING, i, r, rc = 0;
	bool json = vq_json;
	char err[512];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			conf = argv[++i];
		} else if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc) {
			level = vq_log_level_parse(argv[++i]);
			if (level < 0)
				return vq_usage("replay: bad log level '%s'", argv[i]);
		} else if (strcmp(argv[i], "--config") == 0 ||
			   strcmp(argv[i], "--log-level") == 0) {
			return vq_usage("replay: %s needs a value", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return vq_usage("replay: unknown option '%s' (see voiceqos help replay)",
					argv[i]);
		} else if (!capture) {
			capture = argv[i];
		} else {
			return vq_usage("replay: one CAPTURE only ('%s')", argv[i]);
		}
	}
	if (!capture)
		return replay_usage();

	/* Big (fixed arrays of prefixes): not on the stack. */
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return vq_err("replay: out of memory");
	vq_config_defaults(cfg);
	if (conf && vq_config_load(conf, cfg, err, sizeof(err)) < 0) {
		replay_err("%s", err);
		free(cfg);
		return EXIT_USAGE;
	}
	/* Info at least, for the notes; log_line filters by the user's level. */
	static const cookie_io_functions_t log_io = { .write = log_write };

	logf = fopencookie(&rec, "w", log_io);
	if (!logf) {
		free(cfg);
		return vq_err("replay: cannot open the log stream: %s", strerror(errno));
	}
	rec.user_level = level;
	vq_log_set_file(logf);
	vq_log_open("voiceqos replay", VQ_LOG_STDERR, level > LOG_INFO ? level : LOG_INFO);
	vq_sip_init();

	pc = vq_pcap_open(capture, cfg->sip.ports, cfg->sip.nports, err,
			  sizeof(err));
	if (!pc) {
		replay_err("%s: %s", capture, err);
		rc = EXIT_KERNEL;
		goto out_log;
	}
	e = vq_engine_new(cfg, &rec_ops, &rec);
	if (!e) {
		vq_pcap_close(pc);
		rc = vq_err("replay: out of memory");
		goto out_log;
	}
	while ((r = vq_pcap_next(pc, &pkt, err, sizeof(err))) == 1) {
		rec.now_ns = pkt.tstamp_ns;
		if (!tot.first_ns)
			tot.first_ns = pkt.tstamp_ns;
		/*
		 * Timeouts run on the capture's clock, about once a second
		 * of it as in the daemon; a clock that steps back (merged
		 * captures) does not tick until it has caught up.
		 */
		if (pkt.tstamp_ns >= last_tick + NS) {
			vq_engine_tick(e, pkt.tstamp_ns);
			last_tick = pkt.tstamp_ns;
		}
		vq_engine_input(e, &pkt);
		if (rec.npending)
			resolve_notes(&rec, false);
	}
	if (r < 0) {
		/* What was read is still worth showing: say why it stopped. */
		replay_err("%s: %s", capture, err);
		rc = EXIT_KERNEL;
	}
	vq_engine_get_stats(e, &tot.es);
	vq_pcap_get_stats(pc, &tot.ps);
	resolve_notes(&rec, true);
	if (rec.oom) {
		replay_err("out of memory: results incomplete");
		rc = EXIT_KERNEL;
	}
	/*
	 * One thread: stdio's per-call locking is pure cost here, and the
	 * JSON writer still makes a stdio call per punctuation mark.
	 */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (json)
		print_json(&rec, &tot);
	else
		print_table(&rec, &tot);
	vq_engine_free(e);
	vq_pcap_close(pc);
out_log:
	/* Back to stderr before the stream (and rec) go. */
	vq_log_set_file(NULL);
	fclose(logf);
	rec_free(&rec);
	free(cfg);
	return rc;
}
