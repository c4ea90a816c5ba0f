// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's whole input path as voiceqosd runs it: SIP copies as the
 * module delivers them (struct vq_sip_pkt: metadata + L4 payload) into
 * vq_engine (TLS check, UDP datagram or TCP reassembly, libosip2, SDP,
 * dialogs, sizing), with the flow operations going to a sink that checks
 * what a kernel would need to hold.
 *
 * Input formats (Documentation/fuzzing.md):
 *
 *  - plain: anything not starting with "VQF1" is one SIP message, sent as
 *    a UDP datagram from 192.0.2.10:5060 to 198.51.100.20:5060 and again
 *    as a TCP segment (the RFC 4475 torture set and the unit corpus are
 *    such files);
 *  - records: "VQF1", one config byte, then records of an 8-byte header
 *    and a payload, each one packet:
 *      cfg: bits 0-1 max_dialogs {10000, 1, 2, 3}; bit 2 trust only
 *           192.0.2.0/24 and 2001:db8::/64; bit 3 PPPoE sizing; bit 4
 *           rtcp_percent 0; bit 5 flow operations may fail (see h0 bit 7)
 *      h0: bit 0 TCP, bit 1 IPv6, bit 2 reverse (B->A), bit 3 peer C
 *          instead of B, bits 4-6 SYN/FIN/RST, bit 7 ops fail (cfg bit 5)
 *      h1: time step: v < 0xf0: v x 100 ms; else (v - 0xef) minutes
 *      h2: source port (low nibble) and destination port (high nibble),
 *          indexes into ports[]
 *      h3-4: TCP sequence: signed offset from the next in-order byte of
 *          that direction
 *      h5-6: payload length (big-endian), cut at the end of the input
 *      h7: non-zero: the copy was cut, full_len = len + 8 x h7
 *    A record with SYN, FIN and RST all set is not a packet but an event
 *    of the daemon's other inputs, by h7 & 3: 0 the kernel expired flow
 *    number h3 of those held (vq_dialogs_flow_gone); 1 a config reload
 *    with config byte h4 (vq_engine_set_config); 2 a kernel flow found at
 *    start-up (vq_dialogs_adopt) of the Call-ID in the payload, port
 *    h3-h4, RTCP if h2 bit 0, to peer A or B (h0 bit 2); 3 a tick.
 *
 * Invariants checked: a flow added carries its call's cookie, a sane
 * address family and a non-zero port, and a reservation within the
 * bounds of bandwidth.h; del() and del_call() only remove what that call
 * added; after every packet (unless an operation was made to fail) each
 * live call's installed set is exactly what the sink holds for it; after
 * vq_dialogs_release_all nothing is left.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bandwidth.h"
#include "config.h"
#include "dialog.h"
#include "engine.h"
#include "fuzz.h"

#define MAX_SINK 1024		/* flows held at once; more = invariant broken */
#define MAX_RECORDS 96
#define NS 1000000000ULL
/* Payload (100 Mbit/s) + headers of 1 ms packets: far above any sane figure. */
#define MAX_WIRE_BPS 400000000ULL

struct sflow {
	uint64_t cookie;
	uint16_t family;
	uint8_t dst[16];
	uint16_t dport;
	enum vq_flow_kind kind;
};

/* VQ_FUZZ_TRACE=1 in the environment: every flow operation on stderr. */
static bool trace;

struct sink {
	struct sflow f[MAX_SINK];
	unsigned int n;
	/*
	 * Operations return -EIO. The sink still records them: what it checks
	 * is the dialog layer's book-keeping against the operations it issued
	 * (a failed add stays in the call's view, to be retried).
	 */
	bool fail_now;
};

static bool same_key(const struct sflow *s, uint64_t cookie, const struct vq_flow_spec *f)
{
	return s->cookie == cookie && s->family == f->family && s->dport == f->dport &&
	       s->kind == f->kind &&
	       !memcmp(s->dst, f->dst, f->family == AF_INET6 ? 16 : 4);
}

static int sink_find(const struct sink *k, uint64_t cookie, const struct vq_flow_spec *f)
{
	for (unsigned int i = 0; i < k->n; i++)
		if (same_key(&k->f[i], cookie, f))
			return (int)i;
	return -1;
}

static void check_spec(const struct vq_call *c, const struct vq_flow_spec *f)
{
	const struct vq_bw *b = &f->bw;

	if (f->cookie != c->cookie)
		vq_fuzz_fail("add: flow cookie %016llx, call %s has %016llx",
			     (unsigned long long)f->cookie, c->call_id,
			     (unsigned long long)c->cookie);
	if (!VQ_COOKIE_IS_OURS(f->cookie))
		vq_fuzz_fail("add: cookie %016llx without our tag",
			     (unsigned long long)f->cookie);
	if (f->family != AF_INET && f->family != AF_INET6)
		vq_fuzz_fail("add: family %u", f->family);
	if (!f->dport)
		vq_fuzz_fail("add: flow to port 0 (a disabled stream)");
	if (f->kind != VQ_FLOW_RTP && f->kind != VQ_FLOW_RTCP)
		vq_fuzz_fail("add: kind %d", (int)f->kind);
	if (!memchr(b->codec, '\0', sizeof(b->codec)))
		vq_fuzz_fail("add: codec name not terminated");
	if (!b->wire_bps || b->wire_bps > MAX_WIRE_BPS)
		vq_fuzz_fail("add: reservation %llu bit/s", (unsigned long long)b->wire_bps);
	if (!b->burst_bytes || b->burst_bytes > VQ_BW_MAX_BURST)
		vq_fuzz_fail("add: burst %u bytes", b->burst_bytes);
	if (f->kind == VQ_FLOW_RTCP && b->wire_bps < VQ_BW_RTCP_MIN_BPS)
		vq_fuzz_fail("add: RTCP reservation %llu below the minimum",
			     (unsigned long long)b->wire_bps);
	if (f->kind == VQ_FLOW_RTP && b->ptime_ms > 1000)
		vq_fuzz_fail("add: ptime %u ms", b->ptime_ms);
	if (f->dscp > 63)
		vq_fuzz_fail("add: DSCP %u", f->dscp);
	if (c->nflows > VQ_CALL_MAX_FLOWS)
		vq_fuzz_fail("add: call %s holds %u flows", c->call_id, c->nflows);
}

static int op_add(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	struct sink *k = ctx;
	int i;

	check_spec(c, f);
	if (trace)
		fprintf(stderr, "add %s %s port %u %llu bit/s\n", c->call_id,
			f->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp", f->dport,
			(unsigned long long)f->bw.wire_bps);
	i = sink_find(k, c->cookie, f);
	if (i < 0) {
		if (k->n == MAX_SINK)
			vq_fuzz_fail("add: more than %d flows held", MAX_SINK);
		i = (int)k->n++;
		k->f[i].cookie = c->cookie;
		k->f[i].family = f->family;
		memset(k->f[i].dst, 0, 16);
		memcpy(k->f[i].dst, f->dst, f->family == AF_INET6 ? 16 : 4);
		k->f[i].dport = f->dport;
		k->f[i].kind = f->kind;
	}
	if (k->fail_now)
		return -5;	/* -EIO */
	return 0;
}

static int op_del(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	struct sink *k = ctx;
	int i = sink_find(k, c->cookie, f);

	if (trace)
		fprintf(stderr, "del %s port %u\n", c->call_id, f->dport);
	if (i < 0)
		vq_fuzz_fail("del: call %s removes a flow it never added", c->call_id);
	k->f[i] = k->f[--k->n];
	if (k->fail_now)
		return -5;
	return 0;
}

static int op_del_call(void *ctx, const struct vq_call *c)
{
	struct sink *k = ctx;
	unsigned int before = k->n;

	if (trace)
		fprintf(stderr, "del_call %s\n", c->call_id);
	if (!c->nflows)
		vq_fuzz_fail("del_call: call %s has no flows", c->call_id);
	for (unsigned int i = 0; i < k->n;)
		if (k->f[i].cookie == c->cookie)
			k->f[i] = k->f[--k->n];
		else
			i++;
	if (k->n == before)
		vq_fuzz_fail("del_call: call %s never added a flow", c->call_id);
	if (k->fail_now)
		return -5;
	return 0;
}

static void op_event(void *ctx, const struct vq_call *c, const char *what)
{
	(void)ctx;
	if (!what || !*what)
		vq_fuzz_fail("call %s: event without a name", c->call_id);
	if (!memchr(c->call_id, '\0', sizeof(c->call_id)))
		vq_fuzz_fail("call event: Call-ID not terminated");
}

static const struct vq_flow_ops sink_ops = {
	.add = op_add,
	.del = op_del,
	.del_call = op_del_call,
	.call_event = op_event,
};

/* Every live call's installed set is what the sink holds for its cookie. */
static void check_views(struct vq_engine *e, const struct sink *k)
{
	struct vq_dialogs *d = vq_engine_dialogs(e);
	unsigned int total = 0;

	for (const struct vq_call *c = vq_dialogs_first(d); c; c = vq_dialogs_next(d, c)) {
		if (c->nflows > VQ_CALL_MAX_FLOWS)
			vq_fuzz_fail("call %s holds %u flows", c->call_id, c->nflows);
		if (c->state == VQ_CALL_ENDED)
			vq_fuzz_fail("call %s listed after it ended", c->call_id);
		for (unsigned int i = 0; i < c->nflows; i++)
			if (sink_find(k, c->cookie, &c->flows[i]) < 0)
				vq_fuzz_fail("call %s has flow %u the sink does not", c->call_id, i);
		total += c->nflows;
	}
	/*
	 * Two calls with the same Call-ID cookie are impossible (the cookie is
	 * the Call-ID's hash, and one Call-ID is one call), so the counts
	 * compare as a whole: a flow held for no live call is a leak.
	 */
	if (total != k->n)
		vq_fuzz_fail("calls hold %u flows, the sink %u", total, k->n);
}

static const uint16_t ports[16] = {
	5060, 5060, 5060, 5061, 5080, 50612, 1024, 40000,
	5060, 65535, 0, 5062, 6060, 5060, 16384, 443,
};

struct peer {
	uint8_t v4[4], v6[16];
};

static const struct peer peers[3] = {
	{ { 192, 0, 2, 10 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 } },
	{ { 198, 51, 100, 20 }, { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x20 } },
	{ { 203, 0, 113, 30 }, { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 0x30 } },
};

static void set_addr(uint8_t *dst, int peer, bool v6)
{
	memset(dst, 0, 16);
	if (v6)
		memcpy(dst, peers[peer].v6, 16);
	else
		memcpy(dst, peers[peer].v4, 4);
}

static void config_from(struct vq_config *cfg, uint8_t b)
{
	static const uint32_t maxd[4] = { 10000, 1, 2, 3 };

	vq_config_defaults(cfg);
	cfg->dialog.max_dialogs = maxd[b & 3];
	if (b & 4) {
		cfg->sip.trusted[0].family = AF_INET;
		memcpy(cfg->sip.trusted[0].addr, peers[0].v4, 4);
		cfg->sip.trusted[0].len = 24;
		cfg->sip.trusted[1].family = AF_INET6;
		memcpy(cfg->sip.trusted[1].addr, peers[0].v6, 16);
		cfg->sip.trusted[1].len = 64;
		cfg->sip.ntrusted = 2;
	}
	if (b & 8)
		cfg->media.bw.l2_overhead = VQ_L2_PPPOE;
	if (b & 16)
		cfg->media.bw.rtcp_percent = 0;
}

/* The daemon's other inputs: kernel expiry, reload, adoption, the clock. */
static void control(struct vq_engine *e, struct sink *k, const uint8_t *h,
		    const uint8_t *payload, size_t len, struct vq_config cfgs[2],
		    unsigned int *cur, uint64_t now)
{
	struct vq_dialogs *d = vq_engine_dialogs(e);
	struct vq_flow_spec f = { 0 };
	char id[VQ_SIP_ID_MAX];
	const struct vq_call *c;
	unsigned int i;

	switch (h[7] & 3) {
	case 0:
		if (!k->n)
			return;
		i = h[3] % k->n;
		f.cookie = k->f[i].cookie;
		f.family = k->f[i].family;
		memcpy(f.dst, k->f[i].dst, 16);
		f.dport = k->f[i].dport;
		f.kind = k->f[i].kind;
		k->n--;
		k->f[i] = k->f[k->n];
		vq_dialogs_flow_gone(d, &f, now);
		return;
	case 1:
		/* The engine keeps a pointer: the previous config stays alive. */
		*cur ^= 1;
		config_from(&cfgs[*cur], h[4]);
		vq_engine_set_config(e, &cfgs[*cur]);
		return;
	case 2:
		if (len >= sizeof(id))
			len = sizeof(id) - 1;
		memcpy(id, payload, len);
		id[len] = '\0';
		f.cookie = vq_call_cookie(id);
		f.family = h[0] & 2 ? AF_INET6 : AF_INET;
		set_addr(f.dst, h[0] & 4 ? 1 : 0, h[0] & 2);
		f.dport = (uint16_t)(h[3] << 8 | h[4]);
		f.kind = h[2] & 1 ? VQ_FLOW_RTCP : VQ_FLOW_RTP;
		f.src_any = true;
		f.dscp = 46;
		snprintf(f.bw.codec, sizeof(f.bw.codec), "PCMU/8000");
		f.bw.wire_bps = 87200;
		f.bw.burst_bytes = 3000;
		f.bw.ptime_ms = 20;
		if (!f.dport)
			return;
		vq_dialogs_adopt(d, &f, now);
		/* The kernel holds it; so does the sink if a call took it. */
		c = vq_dialogs_find(d, f.cookie);
		if (c && sink_find(k, f.cookie, &f) < 0)
			for (i = 0; i < c->nflows; i++)
				if (c->flows[i].dport == f.dport && c->flows[i].kind == f.kind &&
				    c->flows[i].family == f.family &&
				    !memcmp(c->flows[i].dst, f.dst, 16)) {
					if (k->n == MAX_SINK)
						vq_fuzz_fail("adopt: more than %d flows", MAX_SINK);
					k->f[k->n].cookie = f.cookie;
					k->f[k->n].family = f.family;
					memcpy(k->f[k->n].dst, f.dst, 16);
					k->f[k->n].dport = f.dport;
					k->f[k->n].kind = f.kind;
					k->n++;
					break;
				}
		return;
	default:
		vq_engine_tick(e, now);
	}
}

static void finish(struct vq_engine *e, struct sink *k, uint64_t now)
{
	check_views(e, k);
	k->fail_now = false;
	vq_dialogs_release_all(vq_engine_dialogs(e), now);
	if (vq_dialogs_first(vq_engine_dialogs(e)))
		vq_fuzz_fail("a call is still listed after release_all");
	if (k->n)
		vq_fuzz_fail("%u flows left after release_all", k->n);
	vq_engine_free(e);
}

static void run_plain(const uint8_t *data, size_t size)
{
	struct vq_config cfg;
	struct sink *k = calloc(1, sizeof(*k));
	struct vq_engine *e;
	struct vq_sip_pkt p = { 0 };

	if (!k)
		return;
	vq_config_defaults(&cfg);
	e = vq_engine_new(&cfg, &sink_ops, k);
	if (!e) {
		free(k);
		return;
	}
	p.tstamp_ns = 1700000000ULL * NS;
	p.family = AF_INET;
	p.l4proto = IPPROTO_UDP;
	set_addr(p.saddr, 0, false);
	set_addr(p.daddr, 1, false);
	p.sport = p.dport = 5060;
	p.payload = data;
	p.len = p.full_len = size;
	vq_engine_input(e, &p);
	check_views(e, k);
	p.l4proto = IPPROTO_TCP;
	p.sport = 50612;
	p.tcp_seq = 1000;
	p.tcp_flags = 0x18;	/* PSH ACK */
	vq_engine_input(e, &p);
	check_views(e, k);
	if (trace) {
		struct vq_engine_stats st;

		vq_engine_get_stats(e, &st);
		fprintf(stderr, "plain: %llu messages, %llu parse errors, %llu calls, %llu SDP errors\n",
			(unsigned long long)st.messages, (unsigned long long)st.parse_errors,
			(unsigned long long)st.dialogs.calls_total,
			(unsigned long long)st.dialogs.sdp_errors);
	}
	finish(e, k, p.tstamp_ns + NS);
	free(k);
}

static void run_records(const uint8_t *data, size_t size)
{
	struct vq_config cfgs[2];
	unsigned int cur = 0;
	struct sink *k;
	struct vq_engine *e;
	uint64_t now = 1700000000ULL * NS, last_tick = now;
	uint32_t next_seq[16];
	bool may_fail;
	size_t off = 1;
	unsigned int nrec = 0;

	if (size < 1)
		return;
	k = calloc(1, sizeof(*k));
	if (!k)
		return;
	config_from(&cfgs[0], data[0]);
	may_fail = data[0] & 32;
	e = vq_engine_new(&cfgs[0], &sink_ops, k);
	if (!e) {
		free(k);
		return;
	}
	for (unsigned int i = 0; i < 16; i++)
		next_seq[i] = 1000 + i * 0x10000000u;
	while (off + 8 <= size && nrec++ < MAX_RECORDS) {
		const uint8_t *h = data + off;
		struct vq_sip_pkt p = { 0 };
		bool v6 = h[0] & 2, rev = h[0] & 4;
		int other = h[0] & 8 ? 2 : 1;
		unsigned int dir = h[0] >> 1 & 7;	/* v6, reverse, peer */
		size_t len = (size_t)h[5] << 8 | h[6];
		int16_t dseq = (int16_t)((uint16_t)h[3] << 8 | h[4]);

		off += 8;
		if (len > size - off)
			len = size - off;
		now += h[1] < 0xf0 ? h[1] * (NS / 10) : (uint64_t)(h[1] - 0xef) * 60 * NS;
		p.tstamp_ns = now;
		p.family = v6 ? AF_INET6 : AF_INET;
		p.l4proto = h[0] & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		set_addr(p.saddr, rev ? other : 0, v6);
		set_addr(p.daddr, rev ? 0 : other, v6);
		p.sport = ports[h[2] & 15];
		p.dport = ports[h[2] >> 4];
		p.tcp_flags = (uint8_t)((h[0] & 16 ? 0x02 : 0) | (h[0] & 32 ? 0x01 : 0) |
					(h[0] & 64 ? 0x04 : 0) | 0x10);
		p.tcp_seq = next_seq[dir] + (uint32_t)(int32_t)dseq;
		p.payload = data + off;
		p.len = len;
		p.full_len = len + (size_t)h[7] * 8;
		if (p.l4proto == IPPROTO_TCP && !dseq)
			next_seq[dir] += (uint32_t)p.full_len;
		off += len;
		if ((h[0] & 0x70) == 0x70) {
			control(e, k, h, p.payload, len, cfgs, &cur, now);
			check_views(e, k);
			continue;
		}
		k->fail_now = may_fail && (h[0] & 128);
		vq_engine_input(e, &p);
		k->fail_now = false;
		if (now - last_tick >= NS) {
			vq_engine_tick(e, now);
			last_tick = now;
		}
		check_views(e, k);
	}
	finish(e, k, now + NS);
	free(k);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("VQ_FUZZ_TRACE") != NULL;
	vq_fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && !memcmp(data, "VQF1", 4))
		run_records(data + 4, size - 4);
	else
		run_plain(data, size);
	return 0;
}
