// SPDX-License-Identifier: GPL-2.0
/*
 * replay_bench CAPTURE [ROUNDS [STAGE]]
 *
 * The SIP messages of CAPTURE (read once into memory with pcap_in) through
 *   osip:    a bare libosip2 loop, osip_message_init/parse/free per message:
 *            the floor any libosip2-based agent pays;
 *   sip:     vq_sip_parse/vq_sip_msg_free per message (libosip2 + the
 *            agent's extraction of what the dialogs need);
 *   sip+sdp: the same plus vq_sdp_parse of every body;
 *   engine:  vq_engine_input per packet with flow operations that only
 *            count (framing, libosip2, SDP, dialogs, sizing: everything
 *            `voiceqos replay` does except reading the file and printing);
 *   read:    reading and decoding the capture file alone (pcap_in);
 * each ROUNDS times (default 5), printing the best and median round as
 * messages/s of thread CPU time and the engine/osip ratio. Prints figures,
 * asserts nothing.
 * Run it pinned to one core (tests/bench/replay.sh uses taskset). With STAGE
 * (read, osip, sip, engine) only that stage runs: for perf.
 */
#include <osipparser2/osip_parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "log.h"
#include "pcap_in.h"
#include "sdp.h"
#include "sip.h"

struct msg {
	struct vq_sip_pkt pkt;
	uint8_t *data;
};

/*
 * CPU time of this thread, not wall time: on a shared machine other
 * processes taking the core would otherwise count as ours.
 */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t adds, dels, del_calls;

static int c_add(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	(void)ctx, (void)c, (void)f;
	adds++;
	return 0;
}

static int c_del(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	(void)ctx, (void)c, (void)f;
	dels++;
	return 0;
}

static int c_del_call(void *ctx, const struct vq_call *c)
{
	(void)ctx, (void)c;
	del_calls++;
	return 0;
}

static const struct vq_flow_ops count_ops = {
	.add = c_add, .del = c_del, .del_call = c_del_call,
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *t, int rounds, size_t n,
		   double *best_rate)
{
	qsort(t, (size_t)rounds, sizeof(*t), cmp_u64);
	*best_rate = n / (t[0] / 1e9);
	printf("%-8s %8zu msgs  best %10.0f msg/s  median %10.0f msg/s  (%.1f ns/msg)\n",
	       what, n, *best_rate, n / (t[rounds / 2] / 1e9), (double)t[0] / n);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 5, r;
	const char *only = argc > 3 ? argv[3] : NULL;
	struct vq_engine_stats es;
	struct vq_config cfg;
	struct msg *msgs = NULL;
	size_t n = 0, cap = 0, i;
	struct vq_sip_pkt p;
	struct vq_pcap *pc;
	uint64_t t[64], t0, sink = 0;
	double osip_rate, eng_rate, stage_rate;
	struct vq_sdp *sdp;
	char err[512];

	if (argc < 2 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: replay_bench CAPTURE [ROUNDS 1-64]\n");
		return 2;
	}
	vq_config_defaults(&cfg);
	/* Quiet: per-call log lines would measure the terminal. */
	vq_log_open("replay_bench", VQ_LOG_STDERR, LOG_ERR);
	pc = vq_pcap_open(argv[1], cfg.sip.ports, cfg.sip.nports, err, sizeof(err));
	if (!pc) {
		fprintf(stderr, "replay_bench: %s: %s\n", argv[1], err);
		return 1;
	}
	while ((r = vq_pcap_next(pc, &p, err, sizeof(err))) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			msgs = realloc(msgs, cap * sizeof(*msgs));
			if (!msgs)
				return 1;
		}
		msgs[n].pkt = p;
		msgs[n].data = malloc(p.len ? p.len : 1);
		if (!msgs[n].data)
			return 1;
		memcpy(msgs[n].data, p.payload, p.len);
		msgs[n].pkt.payload = msgs[n].data;
		n++;
	}
	vq_pcap_close(pc);
	if (r < 0 || !n) {
		fprintf(stderr, "replay_bench: %s: %s\n", argv[1], r < 0 ? err : "no SIP packets");
		return 1;
	}

	/* Reading and decoding the file alone, for the replay command's share. */
	for (int k = 0; k < rounds && (!only || !strcmp(only, "read")); k++) {
		t0 = now_ns();
		pc = vq_pcap_open(argv[1], cfg.sip.ports, cfg.sip.nports, err, sizeof(err));
		if (!pc)
			return 1;
		while (vq_pcap_next(pc, &p, err, sizeof(err)) == 1)
			sink += p.len;
		vq_pcap_close(pc);
		t[k] = now_ns() - t0;
	}
	if (!only || !strcmp(only, "read"))
		report("read", t, rounds, n, &stage_rate);
	sink = 0;

	parser_init();
	osip_rate = 0;
	for (r = 0; r < rounds && (!only || !strcmp(only, "osip")); r++) {
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			osip_message_t *m;

			if (osip_message_init(&m) != 0)
				return 1;
			if (osip_message_parse(m, (const char *)msgs[i].data, msgs[i].pkt.len) == 0)
				sink++;
			osip_message_free(m);
		}
		t[r] = now_ns() - t0;
	}
	if (!only || !strcmp(only, "osip"))
		report("osip", t, rounds, n, &osip_rate);
	if (!only && sink != (uint64_t)rounds * n)
		printf("osip: %llu of %zu messages did not parse\n",
		       (unsigned long long)((uint64_t)rounds * n - sink), n * rounds);

	/* The agent's parse stages alone: where the engine's time goes. */
	sdp = malloc(sizeof(*sdp));
	if (!sdp)
		return 1;
	vq_sip_init();
	for (int stage = 0; stage < 2 && (!only || !strcmp(only, "sip")); stage++) {
		uint64_t bad = 0;

		for (r = 0; r < rounds; r++) {
			t0 = now_ns();
			for (i = 0; i < n; i++) {
				struct vq_sip_msg m;

				if (vq_sip_parse((const char *)msgs[i].data, msgs[i].pkt.len,
						 &m, err, sizeof(err)) < 0) {
					bad++;
					continue;
				}
				if (stage && m.sdp &&
				    vq_sdp_parse(m.sdp, m.sdp_len, sdp, err, sizeof(err)) < 0)
					bad++;
				vq_sip_msg_free(&m);
			}
			t[r] = now_ns() - t0;
		}
		report(stage ? "sip+sdp" : "sip", t, rounds, n, &stage_rate);
		if (bad)
			printf("%s: %llu failures over %d rounds\n", stage ? "sip+sdp" : "sip",
			       (unsigned long long)bad, rounds);
	}
	free(sdp);

	for (r = 0; r < rounds && (!only || !strcmp(only, "engine")); r++) {
		struct vq_engine *e = vq_engine_new(&cfg, &count_ops, NULL);
		uint64_t last = 0;

		if (!e)
			return 1;
		adds = dels = del_calls = 0;
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			/* Ticks as replay does: once a second of capture time. */
			if (msgs[i].pkt.tstamp_ns >= last + 1000000000ULL) {
				vq_engine_tick(e, msgs[i].pkt.tstamp_ns);
				last = msgs[i].pkt.tstamp_ns;
			}
			vq_engine_input(e, &msgs[i].pkt);
		}
		t[r] = now_ns() - t0;
		vq_engine_get_stats(e, &es);
		vq_engine_free(e);
	}
	if (only && strcmp(only, "engine"))
		return 0;
	report("engine", t, rounds, n, &eng_rate);
	printf("engine: %llu messages, %llu parse errors, %llu calls, %llu flow adds, %llu dels, %llu call releases\n",
	       (unsigned long long)es.messages, (unsigned long long)es.parse_errors,
	       (unsigned long long)es.dialogs.calls_total, (unsigned long long)adds,
	       (unsigned long long)dels, (unsigned long long)del_calls);
	if (!only)
		printf("ratio engine/osip %.2f (goal >= 0.7; engine goal >= 100000 msg/s)\n",
	       eng_rate / osip_rate);

	for (i = 0; i < n; i++)
		free(msgs[i].data);
	free(msgs);
	return 0;
}
