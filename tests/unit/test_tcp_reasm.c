// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp_reasm.h"
#include "test.h"

#define M1 "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: c1\r\nContent-Length: 4\r\n\r\nv=0\n"
#define M2 "SIP/2.0 200 OK\r\nCall-ID: c1\r\nl: 0\r\n\r\n"
#define M3 "BYE sip:alice@example.com SIP/2.0\r\nCall-ID: c1\r\nl: 5\r\n\r\nhello"
#define STREAM M1 M2 M3
#define FIN 0x01
#define SYN 0x02
#define RST 0x04

/* What the callback saw: the messages joined with '#', and how many. */
struct got {
	char text[8192];
	size_t len;
	unsigned int n;
	uint32_t last_seq;	/* tcp_seq of the segment that completed the last */
	uint16_t last_sport;
};

static void collect(void *ctx, const struct vq_sip_pkt *pkt, const char *msg, size_t len)
{
	struct got *g = ctx;

	if (g->len + len + 1 < sizeof(g->text)) {
		if (g->n)
			g->text[g->len++] = '#';
		memcpy(g->text + g->len, msg, len);
		g->len += len;
		g->text[g->len] = '\0';
	}
	g->n++;
	g->last_seq = pkt->tcp_seq;
	g->last_sport = pkt->sport;
}

static struct vq_sip_pkt pkt4(uint16_t sport, uint32_t seq, uint8_t flags,
			      const char *data, size_t len)
{
	struct vq_sip_pkt p = {
		.tstamp_ns = 1000,
		.family = AF_INET,
		.l4proto = IPPROTO_TCP,
		.saddr = { 192, 0, 2, 1 },
		.daddr = { 192, 0, 2, 2 },
		.sport = sport,
		.dport = 5060,
		.tcp_seq = seq,
		.tcp_flags = flags,
		.payload = (const uint8_t *)data,
		.len = len,
		.full_len = len,
	};
	return p;
}

static void feed(struct vq_reasm *r, struct got *g, uint32_t seq, uint8_t flags,
		 const char *data, size_t len)
{
	struct vq_sip_pkt p = pkt4(40000, seq, flags, data, len);

	vq_reasm_input(r, &p, collect, g);
}

/* Feeds bytes [a, b) of s as one segment of a stream whose ISN is isn. */
static void seg(struct vq_reasm *r, struct got *g, uint32_t isn, const char *s,
		size_t a, size_t b)
{
	feed(r, g, isn + 1 + (uint32_t)a, 0x10, s + a, b - a);
}

static bool expect(const char *name, const struct got *g, const char *want)
{
	return t_check(strcmp(g->text, want) == 0, name, "got '%s'", g->text);
}

static struct vq_reasm *fresh(struct got *g, size_t window, unsigned int max_streams)
{
	struct vq_reasm_limits lim = { .max_streams = max_streams, .window = window };

	memset(g, 0, sizeof(*g));
	return vq_reasm_new(&lim);
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void test_splits(void)
{
	const char *s = STREAM;
	size_t n = strlen(s), i, j, bad = 0;
	struct vq_reasm *r;
	struct vq_reasm_stats st;
	struct got g;

	r = fresh(&g, 0, 0);
	feed(r, &g, 1000, SYN, NULL, 0);
	seg(r, &g, 1000, s, 0, n);
	expect("reasm: three messages in one segment", &g, M1 "#" M2 "#" M3);
	vq_reasm_get_stats(r, &st);
	t_check(st.messages == 3 && st.segments == 2 && st.streams == 1 &&
		g.last_seq == 1001, "reasm: stats after one segment",
		"messages %llu segments %llu streams %llu seq %u",
		(unsigned long long)st.messages, (unsigned long long)st.segments,
		(unsigned long long)st.streams, g.last_seq);
	vq_reasm_free(r);

	/* Every split point, and every pair of split points. */
	for (i = 1; i < n; i++) {
		r = fresh(&g, 0, 0);
		feed(r, &g, 7, SYN, NULL, 0);
		seg(r, &g, 7, s, 0, i);
		seg(r, &g, 7, s, i, n);
		bad += strcmp(g.text, M1 "#" M2 "#" M3) != 0;
		vq_reasm_free(r);
	}
	t_check(!bad, "reasm: split in two at every offset", "%zu splits wrong", bad);
	for (i = 1; i < n; i += 3)
		for (j = i + 1; j < n; j += 5) {
			r = fresh(&g, 0, 0);
			feed(r, &g, 7, SYN, NULL, 0);
			seg(r, &g, 7, s, 0, i);
			seg(r, &g, 7, s, i, j);
			seg(r, &g, 7, s, j, n);
			bad += strcmp(g.text, M1 "#" M2 "#" M3) != 0;
			vq_reasm_free(r);
		}
	t_check(!bad, "reasm: split in three at many offsets", "%zu splits wrong", bad);

	r = fresh(&g, 0, 0);
	feed(r, &g, 7, SYN, NULL, 0);
	for (i = 0; i < n; i++)
		seg(r, &g, 7, s, i, i + 1);
	expect("reasm: one byte per segment", &g, M1 "#" M2 "#" M3);
	t_check(g.last_seq == 8 + n - 1, "reasm: the completing segment is passed",
		"seq %u", g.last_seq);
	vq_reasm_free(r);
}

static void test_retransmit(void)
{
	const char *s = STREAM;
	size_t n = strlen(s);
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;

	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 0, 40);
	seg(r, &g, 0, s, 0, 40);		/* full retransmission */
	seg(r, &g, 0, s, 40, 100);
	seg(r, &g, 0, s, 0, 100);		/* covers everything seen */
	seg(r, &g, 0, s, 30, 120);		/* partial overlap */
	seg(r, &g, 0, s, 120, n);
	seg(r, &g, 0, s, 0, n);			/* the whole stream again */
	expect("reasm: retransmissions, full and partial, change nothing", &g,
	       M1 "#" M2 "#" M3);
	vq_reasm_get_stats(r, &st);
	t_check(st.retransmits == 4, "reasm: retransmissions counted", "%llu",
		(unsigned long long)st.retransmits);
	vq_reasm_free(r);

	/* Retransmission of a message already emitted, then the next one. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 0, strlen(M1));
	seg(r, &g, 0, s, 0, strlen(M1));
	seg(r, &g, 0, s, strlen(M1), n);
	expect("reasm: retransmitted emitted message not emitted twice", &g,
	       M1 "#" M2 "#" M3);
	vq_reasm_free(r);
}

static void test_ooo(void)
{
	const char *s = STREAM;
	size_t n = strlen(s), bad = 0;
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;
	int round;

	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 50, 100);
	seg(r, &g, 0, s, 100, n);
	t_check(g.n == 0, "reasm: nothing before the gap fills", "%u messages", g.n);
	seg(r, &g, 0, s, 0, 50);
	expect("reasm: out-of-order segments put in order", &g, M1 "#" M2 "#" M3);
	vq_reasm_get_stats(r, &st);
	t_check(st.out_of_order == 2 && st.gaps == 0, "reasm: out-of-order counted",
		"ooo %llu gaps %llu", (unsigned long long)st.out_of_order,
		(unsigned long long)st.gaps);
	vq_reasm_free(r);

	/* Overlapping queued segments, filled by a segment that overlaps both. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 60, 120);
	seg(r, &g, 0, s, 80, 100);	/* inside the queued one */
	seg(r, &g, 0, s, 90, 150);	/* partial overlap with it */
	seg(r, &g, 0, s, 150, n);
	seg(r, &g, 0, s, 0, 70);
	expect("reasm: overlapping queued segments", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	/* Random orders with duplicates, cut into random pieces. */
	for (round = 0; round < 300; round++) {
		size_t cuts[16], k, nc = 0, order[32], no = 0, i;

		r = fresh(&g, 0, 0);
		feed(r, &g, 0xfffffe00u + round, SYN, NULL, 0);
		cuts[nc++] = 0;
		while (nc < 10)
			cuts[nc++] = rnd() % n;
		cuts[nc++] = n;
		/* Sort the cut points. */
		for (i = 1; i < nc; i++)
			for (k = i; k > 0 && cuts[k - 1] > cuts[k]; k--) {
				size_t t = cuts[k];

				cuts[k] = cuts[k - 1];
				cuts[k - 1] = t;
			}
		for (i = 0; i + 1 < nc; i++) {
			order[no++] = i;
			if (rnd() % 4 == 0)
				order[no++] = i;	/* a duplicate */
		}
		for (i = no - 1; i > 0; i--) {
			size_t j = rnd() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < no; i++)
			seg(r, &g, 0xfffffe00u + round, s, cuts[order[i]],
			    cuts[order[i] + 1]);
		bad += strcmp(g.text, M1 "#" M2 "#" M3) != 0;
		vq_reasm_free(r);
	}
	t_check(!bad, "reasm: 300 random orders with duplicates across the wrap",
		"%zu wrong", bad);
}

static void test_syn_fin_rst(void)
{
	const char *s = STREAM;
	size_t n = strlen(s);
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;

	/* A new connection on the same 5-tuple: old partial data is dropped. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 500, SYN, NULL, 0);
	seg(r, &g, 500, s, 0, 30);
	feed(r, &g, 90000, SYN, NULL, 0);
	seg(r, &g, 90000, s, 0, n);
	expect("reasm: SYN resets the stream", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	/* Data in the SYN itself (TCP Fast Open) starts at seq + 1 too. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 500, SYN, M1, strlen(M1));
	feed(r, &g, 501 + strlen(M1), 0x10, s + strlen(M1), n - strlen(M1));
	expect("reasm: data carried by the SYN", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	/* FIN: its data counts, then the stream is forgotten. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 0, 20);
	feed(r, &g, 21, FIN | 0x10, s + 20, n - 20);
	vq_reasm_get_stats(r, &st);
	expect("reasm: data in the FIN segment is emitted", &g, M1 "#" M2 "#" M3);
	t_check(st.streams == 0, "reasm: FIN forgets the stream", "%llu streams",
		(unsigned long long)st.streams);
	vq_reasm_free(r);

	/* RST: the stream is forgotten, its partial message with it. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, s, 0, 20);
	feed(r, &g, 21, RST, NULL, 0);
	vq_reasm_get_stats(r, &st);
	t_check(st.streams == 0, "reasm: RST forgets the stream", "%llu streams",
		(unsigned long long)st.streams);
	seg(r, &g, 0, s, 20, n);	/* the rest, seen as a new stream */
	expect("reasm: after RST the tail is hunted for a start line", &g, M2 "#" M3);
	vq_reasm_free(r);

	/* A pure ACK of an unknown stream creates nothing. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 77, 0x10, NULL, 0);
	feed(r, &g, 77, FIN | 0x10, NULL, 0);
	vq_reasm_get_stats(r, &st);
	t_check(st.streams == 0, "reasm: empty segments of an unknown stream",
		"%llu streams", (unsigned long long)st.streams);
	vq_reasm_free(r);
}

static void test_midstream(void)
{
	const char *s = STREAM;
	size_t n = strlen(s);
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;

	r = fresh(&g, 0, 0);
	feed(r, &g, 3000, 0x10, s, n);
	expect("reasm: unknown stream starting at a message", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	r = fresh(&g, 0, 0);
	feed(r, &g, 3010, 0x10, s + 10, n - 10);
	expect("reasm: unknown stream starting mid-message skips to the next", &g,
	       M2 "#" M3);
	vq_reasm_free(r);

	/* The first start line is split over two segments. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 3010, 0x10, s + 10, strlen(M1) - 10 + 5);
	feed(r, &g, 3000 + strlen(M1) + 5, 0x10, s + strlen(M1) + 5, n - strlen(M1) - 5);
	expect("reasm: start line split while hunting", &g, M2 "#" M3);
	vq_reasm_free(r);

	/* Starting inside the body (after the header's last line). */
	r = fresh(&g, 0, 0);
	feed(r, &g, 3000, 0x10, s + strlen(M1) - 4, n - strlen(M1) + 4);
	expect("reasm: unknown stream starting in a body", &g, M2 "#" M3);
	vq_reasm_free(r);

	/* Binary garbage without any line end: dropped, not kept. */
	{
		static char junk[5000];
		size_t i;

		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (char)(rnd() % 9 + 1);
		r = fresh(&g, 0, 0);
		feed(r, &g, 1, 0x10, junk, sizeof(junk));
		feed(r, &g, 1 + sizeof(junk), 0x10, "\n" M2, strlen("\n" M2));
		expect("reasm: binary garbage then a message", &g, M2);
		vq_reasm_free(r);
	}

	/* A message without Content-Length cannot be framed: skipped. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	{
		static const char t[] = "OPTIONS sip:x@y SIP/2.0\r\nCall-ID: z\r\n\r\n" M2;

		seg(r, &g, 0, t, 0, strlen(t));
	}
	vq_reasm_get_stats(r, &st);
	expect("reasm: unframeable message skipped, next one emitted", &g, M2);
	t_check(st.frame_errors == 1, "reasm: frame error counted", "%llu",
		(unsigned long long)st.frame_errors);
	vq_reasm_free(r);
}

static void test_keepalive(void)
{
	static const char s[] = "\r\n\r\n" M2 "\r\n\r\n\r\n" M2 "\r\n";
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;
	uint32_t seq = 1;
	size_t i;

	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	for (i = 0; i < 50; i++) {
		size_t k = 2 * (i % 5 + 1);

		feed(r, &g, seq, 0x10, "\r\n\r\n\r\n\r\n\r\n", k);
		seq += k;
	}
	feed(r, &g, seq, 0x10, s, sizeof(s) - 1);
	vq_reasm_get_stats(r, &st);
	expect("reasm: keep-alive CRLFs between messages", &g, M2 "#" M2);
	t_check(st.frame_errors == 0 && st.gaps == 0, "reasm: keep-alives are no error",
		"errors %llu gaps %llu", (unsigned long long)st.frame_errors,
		(unsigned long long)st.gaps);
	vq_reasm_free(r);

	/* Keep-alives alone on an unknown stream. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 9, 0x10, "\r\n\r\n", 4);
	feed(r, &g, 13, 0x10, "\r\n", 2);
	feed(r, &g, 15, 0x10, M2, strlen(M2));
	expect("reasm: keep-alives of an unknown stream, then a message", &g, M2);
	vq_reasm_free(r);
}

/* Ten responses of known size, for the window tests. */
static size_t build_many(char *buf, size_t cap, unsigned int count, size_t *starts)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < count; i++) {
		starts[i] = len;
		len += snprintf(buf + len, cap - len,
				"SIP/2.0 180 Ringing\r\nCall-ID: n%u\r\nl: 3\r\n\r\na\r\n", i);
	}
	starts[count] = len;
	return len;
}

static void test_gap(void)
{
	char buf[2048], want[2048];
	size_t st0[11], n, w = 0, k;
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;
	unsigned int i;

	n = build_many(buf, sizeof(buf), 10, st0);
	/*
	 * The segment holding the end of message 0 is lost; message 1 onward
	 * arrive one per segment. With a 200-byte window the stream gives up
	 * on the gap and emits 1..9.
	 */
	r = fresh(&g, 200, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, buf, 0, 10);
	for (i = 1; i < 10; i++)
		seg(r, &g, 0, buf, st0[i], st0[i + 1]);
	for (i = 1; i < 10; i++)
		w += snprintf(want + w, sizeof(want) - w, "%s%.*s", i > 1 ? "#" : "",
			      (int)(st0[i + 1] - st0[i]), buf + st0[i]);
	vq_reasm_get_stats(r, &st);
	expect("reasm: a gap that never fills is given up", &g, want);
	t_check(st.gaps == 1, "reasm: the gap is counted", "%llu",
		(unsigned long long)st.gaps);
	/* The lost bytes arrive late: old data now, ignored. */
	seg(r, &g, 0, buf, 10, st0[1]);
	expect("reasm: the late segment changes nothing", &g, want);
	vq_reasm_free(r);

	/* Lost: the end of message 0 and the start of message 1. */
	r = fresh(&g, 200, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	seg(r, &g, 0, buf, 0, 10);
	seg(r, &g, 0, buf, st0[1] + 5, st0[2] + 7);
	for (k = st0[2] + 7; k < n; k += 13)
		seg(r, &g, 0, buf, k, k + 13 < n ? k + 13 : n);
	w = 0;
	for (i = 2; i < 10; i++)
		w += snprintf(want + w, sizeof(want) - w, "%s%.*s", i > 2 ? "#" : "",
			      (int)(st0[i + 1] - st0[i]), buf + st0[i]);
	expect("reasm: resync skips the partial message after the gap", &g, want);
	vq_reasm_free(r);

	/* Truncated copy: the rest of the segment is a gap known at once. */
	r = fresh(&g, 0, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	{
		struct vq_sip_pkt p = pkt4(40000, 1, 0x10, buf, 10);

		p.full_len = st0[1] + 3;	/* ends 3 bytes into message 1 */
		vq_reasm_input(r, &p, collect, &g);
	}
	seg(r, &g, 0, buf, st0[1] + 3, n);
	w = 0;
	for (i = 2; i < 10; i++)
		w += snprintf(want + w, sizeof(want) - w, "%s%.*s", i > 2 ? "#" : "",
			      (int)(st0[i + 1] - st0[i]), buf + st0[i]);
	vq_reasm_get_stats(r, &st);
	expect("reasm: truncated copy: resync after it", &g, want);
	t_check(st.gaps == 1, "reasm: truncated copy counted as a gap", "%llu",
		(unsigned long long)st.gaps);
	vq_reasm_free(r);

	/* One message larger than the window: dropped, the next one emitted. */
	{
		char big[600];
		size_t bl;

		bl = snprintf(big, sizeof(big), "MESSAGE sip:a@b SIP/2.0\r\nl: 400\r\n\r\n");
		memset(big + bl, 'z', 400);
		r = fresh(&g, 256, 0);
		feed(r, &g, 0, SYN, NULL, 0);
		seg(r, &g, 0, big, 0, 200);
		seg(r, &g, 0, big, 200, 300);
		feed(r, &g, 301, 0x10, big + 300, bl + 400 - 300);
		feed(r, &g, 1 + bl + 400, 0x10, M2, strlen(M2));
		vq_reasm_get_stats(r, &st);
		expect("reasm: message over the window dropped, next emitted", &g, M2);
		t_check(st.overflows == 1, "reasm: window overflow counted", "%llu",
			(unsigned long long)st.overflows);
		vq_reasm_free(r);
	}
}

static void test_wrap(void)
{
	const char *s = STREAM;
	size_t n = strlen(s);
	struct vq_reasm *r;
	struct got g;
	uint32_t isn = 0xffffffffu - 40;	/* wraps inside M1 */

	r = fresh(&g, 0, 0);
	feed(r, &g, isn, SYN, NULL, 0);
	seg(r, &g, isn, s, 0, 30);
	seg(r, &g, isn, s, 60, n);		/* after the wrap, early */
	seg(r, &g, isn, s, 20, 45);		/* overlap across the wrap */
	seg(r, &g, isn, s, 45, 60);
	expect("reasm: sequence wrap-around with reordering", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	r = fresh(&g, 0, 0);
	feed(r, &g, 0xffffffffu, SYN, NULL, 0);	/* first data byte at seq 0 */
	feed(r, &g, 0, 0x10, s, n);
	expect("reasm: SYN at 0xffffffff, data at 0", &g, M1 "#" M2 "#" M3);
	vq_reasm_free(r);
}

static void test_streams(void)
{
	const char *s = STREAM;
	size_t n = strlen(s);
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct vq_sip_pkt p;
	struct got g;

	/* Two directions of one connection interleaved, each split. */
	r = fresh(&g, 0, 0);
	p = pkt4(40000, 100, 0x10, s, 50);
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(5060, 900, 0x10, M2, 10);
	memcpy(p.saddr, (uint8_t[4]){ 192, 0, 2, 2 }, 4);
	memcpy(p.daddr, (uint8_t[4]){ 192, 0, 2, 1 }, 4);
	p.dport = 40000;
	vq_reasm_input(r, &p, collect, &g);
	t_check(g.n == 0, "reasm: directions interleaved: nothing complete", "%u", g.n);
	p.tcp_seq = 910;
	p.payload = (const uint8_t *)M2 + 10;
	p.len = p.full_len = strlen(M2) - 10;
	vq_reasm_input(r, &p, collect, &g);
	t_check(g.n == 1 && g.last_sport == 5060 && !strcmp(g.text, M2),
		"reasm: the reverse direction completes on its own", "got '%s'", g.text);
	p = pkt4(40000, 150, 0x10, s + 50, n - 50);
	vq_reasm_input(r, &p, collect, &g);
	expect("reasm: then the forward direction", &g, M2 "#" M1 "#" M2 "#" M3);
	vq_reasm_get_stats(r, &st);
	t_check(st.streams == 2, "reasm: two streams tracked", "%llu",
		(unsigned long long)st.streams);
	vq_reasm_free(r);

	/* IPv6: same ports, addresses differ only in the last byte. */
	r = fresh(&g, 0, 0);
	{
		struct vq_sip_pkt a = pkt4(5060, 0, 0x10, s, 30), b;

		a.family = AF_INET6;
		memset(a.saddr, 0x20, 16);
		memset(a.daddr, 0x30, 16);
		b = a;
		b.saddr[15] = 0x21;
		b.payload = (const uint8_t *)M2;
		b.len = b.full_len = strlen(M2);
		vq_reasm_input(r, &a, collect, &g);
		vq_reasm_input(r, &b, collect, &g);
		a.tcp_seq = 30;
		a.payload = (const uint8_t *)s + 30;
		a.len = a.full_len = n - 30;
		vq_reasm_input(r, &a, collect, &g);
	}
	expect("reasm: IPv6 streams kept apart", &g, M2 "#" M1 "#" M2 "#" M3);
	vq_reasm_free(r);

	/* LRU eviction: with room for 2, the least recently used goes. */
	r = fresh(&g, 0, 2);
	p = pkt4(1, 0, 0x10, s, 10);
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(2, 0, 0x10, s, 10);
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(1, 10, 0x10, s + 10, 10);	/* touches stream 1 */
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(3, 0, 0x10, s, 10);		/* evicts stream 2 */
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(1, 20, 0x10, s + 20, n - 20);
	vq_reasm_input(r, &p, collect, &g);
	p = pkt4(2, 10, 0x10, s + 10, n - 10);	/* restarts mid-message */
	vq_reasm_input(r, &p, collect, &g);
	vq_reasm_get_stats(r, &st);
	expect("reasm: LRU evicts the least recently used stream", &g,
	       M1 "#" M2 "#" M3 "#" M2 "#" M3);
	t_check(st.evicted == 2 && st.streams == 2, "reasm: evictions counted",
		"evicted %llu streams %llu", (unsigned long long)st.evicted,
		(unsigned long long)st.streams);
	vq_reasm_free(r);

	/* Idle expiry. */
	{
		struct vq_reasm_limits lim = { .idle_ns = 1000 };

		memset(&g, 0, sizeof(g));
		r = vq_reasm_new(&lim);
		p = pkt4(1, 0, 0x10, s, 10);
		p.tstamp_ns = 5000;
		vq_reasm_input(r, &p, collect, &g);
		p = pkt4(2, 0, 0x10, s, 10);
		p.tstamp_ns = 5600;
		vq_reasm_input(r, &p, collect, &g);
		vq_reasm_expire(r, 6200);
		vq_reasm_get_stats(r, &st);
		t_check(st.streams == 1, "reasm: idle stream expired, recent one kept",
			"%llu streams", (unsigned long long)st.streams);
		vq_reasm_expire(r, 100000);
		vq_reasm_get_stats(r, &st);
		t_check(st.streams == 0, "reasm: all expired later", "%llu streams",
			(unsigned long long)st.streams);
		vq_reasm_free(r);
	}

	/* Not TCP: ignored. */
	r = fresh(&g, 0, 0);
	p = pkt4(1, 0, 0x10, s, n);
	p.l4proto = IPPROTO_UDP;
	vq_reasm_input(r, &p, collect, &g);
	vq_reasm_get_stats(r, &st);
	t_check(g.n == 0 && st.streams == 0, "reasm: UDP packet ignored", "%u", g.n);
	vq_reasm_free(r);
}

/* A flood of distinct streams stays within max_streams. */
static void test_bounds(void)
{
	struct vq_reasm_stats st;
	struct vq_reasm *r;
	struct got g;
	uint32_t i;

	r = fresh(&g, 4096, 64);
	for (i = 0; i < 5000; i++) {
		struct vq_sip_pkt p = pkt4((uint16_t)i, i * 7, 0x10, M1, 20);

		p.saddr[3] = (uint8_t)(i >> 16);
		vq_reasm_input(r, &p, collect, &g);
	}
	vq_reasm_get_stats(r, &st);
	t_check(st.streams == 64 && st.evicted == 5000 - 64,
		"reasm: 5000 streams, at most 64 kept", "streams %llu evicted %llu",
		(unsigned long long)st.streams, (unsigned long long)st.evicted);
	vq_reasm_free(r);

	/* Segments far ahead of the window: resync, never unbounded queueing. */
	r = fresh(&g, 1024, 0);
	feed(r, &g, 0, SYN, NULL, 0);
	for (i = 0; i < 200; i++)
		feed(r, &g, 1 + 5000 + i * 5000, 0x10, M2, strlen(M2));
	vq_reasm_get_stats(r, &st);
	t_check(g.n == 200 && st.gaps == 200, "reasm: far-ahead segments resync each time",
		"%u messages, %llu gaps", g.n, (unsigned long long)st.gaps);
	vq_reasm_free(r);
}

T_SUITE(tcp_reasm)
{
	test_splits();
	test_retransmit();
	test_ooo();
	test_syn_fin_rst();
	test_midstream();
	test_keepalive();
	test_gap();
	test_wrap();
	test_streams();
	test_bounds();
}
