// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of rtpq: each case writes a sender and a receiver capture with
 * pcap_dump (Ethernet, nanosecond timestamps), runs rtpq on them and checks
 * its JSON lines. Expected values are computed here from what was written,
 * not copied from rtpq's output.
 *
 *   test_rtpq RTPQ_BINARY [SCRATCH_DIR]
 *
 * Prints "ok - NAME" / "not ok - NAME: why" per check, exits 1 if any failed.
 */
#include <math.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quality.h"

static const char *rtpq_bin, *dir;
static int failed, passed;
static char out[1 << 16];

static void check(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		printf("ok - rtpq %s\n", name);
		return;
	}
	failed++;
	printf("not ok - rtpq %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

struct cap {
	pcap_t *p;
	pcap_dumper_t *d;
};

static void cap_open(struct cap *c, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	c->p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
						    PCAP_TSTAMP_PRECISION_NANO);
	c->d = c->p ? pcap_dump_open(c->p, path) : NULL;
	if (!c->d) {
		fprintf(stderr, "test_rtpq: cannot write %s\n", path);
		exit(2);
	}
}

static void cap_close(struct cap *c)
{
	pcap_dump_close(c->d);
	pcap_close(c->p);
}

/*
 * One Ethernet/IPv4/UDP/RTP packet (160 bytes of payload, G.711) at t_ns.
 * src/dst: the last byte of 192.0.2.x / 198.51.100.x; up = lan -> wan.
 */
static void put(struct cap *c, int64_t t_ns, bool up, uint16_t sport, uint16_t dport,
		uint32_t ssrc, uint16_t seq, uint32_t ts)
{
	uint8_t b[14 + 20 + 8 + 12 + 160] = { 0 };
	uint8_t *ip = b + 14, *udp = ip + 20, *rtp = udp + 8;
	uint8_t lan[4] = { 192, 0, 2, 1 }, wan[4] = { 198, 51, 100, 1 };
	struct pcap_pkthdr h = { .caplen = sizeof(b), .len = sizeof(b) };

	b[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((sizeof(b) - 14) >> 8);
	ip[3] = (uint8_t)(sizeof(b) - 14);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, up ? lan : wan, 4);
	memcpy(ip + 16, up ? wan : lan, 4);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)((8 + 12 + 160) >> 8);
	udp[5] = (uint8_t)(8 + 12 + 160);
	rtp[0] = 0x80;
	rtp[1] = 0;
	rtp[2] = (uint8_t)(seq >> 8);
	rtp[3] = (uint8_t)seq;
	rtp[4] = (uint8_t)(ts >> 24);
	rtp[5] = (uint8_t)(ts >> 16);
	rtp[6] = (uint8_t)(ts >> 8);
	rtp[7] = (uint8_t)ts;
	rtp[8] = (uint8_t)(ssrc >> 24);
	rtp[9] = (uint8_t)(ssrc >> 16);
	rtp[10] = (uint8_t)(ssrc >> 8);
	rtp[11] = (uint8_t)ssrc;
	/* pcap_dump writes tv_usec as nanoseconds for a NANO-precision handle. */
	h.ts.tv_sec = t_ns / 1000000000;
	h.ts.tv_usec = t_ns % 1000000000;
	pcap_dump((u_char *)c->d, &h, b);
}

/* Run rtpq on two files of dir; its stdout in out[]. */
static void run(const char *a, const char *b, const char *extra)
{
	char cmd[1024];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s %s/%s %s/%s", rtpq_bin, extra ? extra : "", dir, a,
		 dir, b);
	f = popen(cmd, "r");
	if (!f) {
		perror("popen");
		exit(2);
	}
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	if (pclose(f) != 0)
		check(false, "exit status", "%s failed", cmd);
}

static int n_lines(void)
{
	int n = 0;
	const char *p;

	for (p = out; *p; p++)
		n += *p == '\n';
	return n;
}

/* The value of "key" in the line of stream ssrc; NAN if absent. */
static double field(uint32_t ssrc, const char *key)
{
	char pat[64], kpat[64];
	const char *line, *end, *k;

	snprintf(pat, sizeof(pat), "\"ssrc\":%u,", ssrc);
	snprintf(kpat, sizeof(kpat), "\"%s\":", key);
	line = strstr(out, pat);
	if (!line)
		return NAN;
	while (line > out && line[-1] != '\n')
		line--;
	end = strchr(line, '\n');
	k = strstr(line, kpat);
	if (!k || (end && k > end))
		return NAN;
	return strtod(k + strlen(kpat), NULL);
}

static bool near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

#define T0 1700000000000000000LL	/* an epoch in ns */
#define MS 1000000LL

/* 100 packets 20 ms apart, all delivered 5 ms later, plus what a case changes. */
static void case_clean(void)
{
	struct cap tx, rx;
	int i;

	cap_open(&tx, "clean.tx");
	cap_open(&rx, "clean.rx");
	for (i = 0; i < 100; i++) {
		put(&tx, T0 + i * 20 * MS, true, 8000, 6000, 1, (uint16_t)(1000 + i), 160u * i);
		put(&rx, T0 + i * 20 * MS + 5 * MS, true, 8000, 6000, 1, (uint16_t)(1000 + i),
		    160u * i);
	}
	cap_close(&tx);
	cap_close(&rx);
	run("clean.tx", "clean.rx", NULL);
	check(n_lines() == 1, "clean: one stream", "%d lines: %s", n_lines(), out);
	check(field(1, "sent") == 100 && field(1, "received") == 100 && field(1, "lost") == 0,
	      "clean: 100 sent, 100 received", "%s", out);
	check(near(field(1, "delay_p50_ms"), 5, 0.001) && near(field(1, "delay_p99_ms"), 5, 0.001),
	      "clean: delay 5 ms", "%s", out);
	check(near(field(1, "jitter_ms"), 0, 0.001), "clean: no jitter", "%s", out);
	check(near(field(1, "mos"), vq_mos(5, 0, 0), 0.001), "clean: MOS of the E-model",
	      "%s vs %.3f", out, vq_mos(5, 0, 0));
	/* The receiver's capture first: the direction is found from the times. */
	run("clean.rx", "clean.tx", NULL);
	check(field(1, "sent") == 100 && near(field(1, "delay_p50_ms"), 5, 0.001),
	      "clean: captures in either order", "%s", out);
}

/* 10 of 100 lost, one of them across a sequence wrap, and the first 5. */
static void case_loss(void)
{
	struct cap tx, rx;
	int i, lost = 0;

	cap_open(&tx, "loss.tx");
	cap_open(&rx, "loss.rx");
	for (i = 0; i < 100; i++) {
		uint16_t seq = (uint16_t)(65500 + i);

		put(&tx, T0 + i * 20 * MS, true, 8000, 6000, 2, seq, 160u * i);
		if (i < 5 || i % 20 == 7 || i == 36) {
			lost++;
			continue;
		}
		put(&rx, T0 + i * 20 * MS + (i < 50 ? 2 : 30) * MS, true, 8000, 6000, 2, seq,
		    160u * i);
	}
	cap_close(&tx);
	cap_close(&rx);
	run("loss.tx", "loss.rx", NULL);
	check(field(2, "sent") == 100 && field(2, "lost") == lost &&
	      near(field(2, "loss_pct"), lost, 0.001), "loss: counted across the wrap",
	      "want %d lost: %s", lost, out);
	check(field(2, "lost_tail") == 0, "loss: none after the last received", "%s", out);
	/* 36 of 90 received with 2 ms (i 5..49 less 3 lost), 54 with 30 ms. */
	check(near(field(2, "delay_p50_ms"), 30, 0.001) &&
	      near(field(2, "delay_p99_ms"), 30, 0.001), "loss: delay percentiles", "%s", out);
	check(field(2, "mos") < vq_mos(2, 0, 0) - 0.2, "loss: MOS falls", "%s", out);
}

/* Packet 10 arrives after 11 and 12; packets 20..22 arrive twice. */
/* The receiving capture stops early: the last 4 of 50 are lost, plus one mid-stream. */
static void case_tail(void)
{
	struct cap tx, rx;
	int i;

	cap_open(&tx, "tail.tx");
	cap_open(&rx, "tail.rx");
	for (i = 0; i < 50; i++) {
		put(&tx, T0 + i * 20 * MS, true, 8000, 6000, 9, (uint16_t)(7 + i), 160u * i);
		if (i == 20 || i >= 46)
			continue;
		put(&rx, T0 + i * 20 * MS + 3 * MS, true, 8000, 6000, 9, (uint16_t)(7 + i),
		    160u * i);
	}
	cap_close(&tx);
	cap_close(&rx);
	run("tail.tx", "tail.rx", NULL);
	check(field(9, "lost") == 5 && field(9, "lost_tail") == 4,
	      "tail: lost after the last received counted apart", "%s", out);
}

static void case_reorder_dup(void)
{
	struct cap tx, rx;
	int i;

	cap_open(&tx, "ro.tx");
	cap_open(&rx, "ro.rx");
	for (i = 0; i < 50; i++)
		put(&tx, T0 + i * 20 * MS, false, 6000, 8000, 3, (uint16_t)i, 160u * i);
	for (i = 0; i < 50; i++) {
		if (i == 10)
			continue;
		put(&rx, T0 + i * 20 * MS + 3 * MS, false, 6000, 8000, 3, (uint16_t)i, 160u * i);
		if (i == 12)
			put(&rx, T0 + 12 * 20 * MS + 4 * MS, false, 6000, 8000, 3, 10, 1600);
		if (i >= 20 && i <= 22)
			put(&rx, T0 + i * 20 * MS + 5 * MS, false, 6000, 8000, 3, (uint16_t)i,
			    160u * i);
	}
	cap_close(&tx);
	cap_close(&rx);
	run("ro.tx", "ro.rx", NULL);
	check(field(3, "received") == 50 && field(3, "lost") == 0, "reorder: nothing lost",
	      "%s", out);
	check(field(3, "reordered") == 1, "reorder: one late packet", "%s", out);
	check(field(3, "duplicates") == 3, "duplicates: counted once each", "%s", out);
	check(near(field(3, "delay_max_ms"), 44, 0.001), "reorder: its delay",
	      "want 44 ms: %s", out);
}

/*
 * Jitter: delays alternate 0 and 10 ms, so |D| = 10 ms from the second packet
 * on and RFC 3550's J = J + (|D| - J) / 16 gives 10 (1 - (15/16)^(n-1)).
 */
static void case_jitter(void)
{
	struct cap tx, rx;
	double want;
	int i, n = 40;

	cap_open(&tx, "jit.tx");
	cap_open(&rx, "jit.rx");
	for (i = 0; i < n; i++) {
		put(&tx, T0 + i * 20 * MS, true, 8002, 6002, 4, (uint16_t)i, 160u * i);
		put(&rx, T0 + i * 20 * MS + (i % 2 ? 10 : 0) * MS, true, 8002, 6002, 4,
		    (uint16_t)i, 160u * i);
	}
	cap_close(&tx);
	cap_close(&rx);
	want = 10 * (1 - pow(15.0 / 16, n - 1));
	run("jit.tx", "jit.rx", NULL);
	check(near(field(4, "jitter_ms"), want, 0.01), "jitter: RFC 3550 estimator",
	      "want %.3f: %s", want, out);
	check(near(field(4, "delay_mean_ms"), 5, 0.001), "jitter: mean delay", "%s", out);
	check(near(field(4, "mos"), vq_mos(5, want, 0), 0.002), "jitter: MOS uses it",
	      "want %.3f: %s", vq_mos(5, want, 0), out);
}

/*
 * A new SSRC on the same ports is a new stream (sequence restarts); both
 * directions of a call in each capture; a stream whose every packet was lost.
 */
static void case_ssrc(void)
{
	struct cap a, b;
	int i;

	cap_open(&a, "ssrc.lan");
	cap_open(&b, "ssrc.wan");
	for (i = 0; i < 60; i++) {
		uint32_t ssrc = i < 30 ? 5 : 6;
		uint16_t seq = (uint16_t)(i < 30 ? 100 + i : 7 + (i - 30));

		/* up: sent in lan, arrives in wan */
		put(&a, T0 + i * 20 * MS, true, 8004, 6004, ssrc, seq, 160u * i);
		if (i != 40)
			put(&b, T0 + i * 20 * MS + MS, true, 8004, 6004, ssrc, seq, 160u * i);
		/* down: sent in wan, arrives in lan */
		put(&b, T0 + i * 20 * MS + 2 * MS, false, 6004, 8004, 7, (uint16_t)i, 160u * i);
		put(&a, T0 + i * 20 * MS + 9 * MS, false, 6004, 8004, 7, (uint16_t)i, 160u * i);
		/* never arrives */
		put(&a, T0 + i * 20 * MS, true, 8006, 6006, 8, (uint16_t)i, 160u * i);
	}
	cap_close(&a);
	cap_close(&b);
	run("ssrc.lan", "ssrc.wan", "--ports 6000-8999");
	check(n_lines() == 4, "ssrc: four streams", "%d: %s", n_lines(), out);
	check(field(5, "sent") == 30 && field(5, "lost") == 0 && field(6, "sent") == 30 &&
	      field(6, "lost") == 1, "ssrc: change starts a new stream", "%s", out);
	check(field(7, "sent") == 60 && near(field(7, "delay_p50_ms"), 7, 0.001),
	      "ssrc: other direction in the same files", "%s", out);
	check(field(8, "sent") == 60 && field(8, "received") == 0 &&
	      near(field(8, "loss_pct"), 100, 0.001), "ssrc: a stream lost entirely", "%s", out);
	run("ssrc.lan", "ssrc.wan", "--ports 6005-6006");
	check(n_lines() == 1 && field(8, "sent") == 60, "ports: the filter applies", "%s", out);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/test_rtpq.XXXXXX";
	char cmd[600];

	if (argc < 2) {
		fprintf(stderr, "usage: test_rtpq RTPQ_BINARY [SCRATCH_DIR]\n");
		return 2;
	}
	rtpq_bin = argv[1];
	dir = argc > 2 ? argv[2] : mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 2;
	}
	case_clean();
	case_loss();
	case_tail();
	case_reorder_dup();
	case_jitter();
	case_ssrc();
	if (argc <= 2) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "test_rtpq: could not remove %s\n", dir);
	}
	printf("# rtpq: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
