// SPDX-License-Identifier: GPL-2.0
/*
 * vq-shaper-try: drives agent/shaper.c (linked from agent/libvq.a) for the
 * VM test tests/vm/shaper.sh; not installed, not part of the CLI.
 *
 *   vq-shaper-try CMD ARGS...    one command
 *   vq-shaper-try -              commands from stdin, one per line, one shaper
 *                                for all (vq_shaper_set_voice needs the setup's)
 *
 *   setup IFNAME RATE OVERHEAD SIGNALLING VOICE
 *   voice IFNAME RATE
 *   read IFNAME
 *   remove IFNAME
 *
 * RATE etc. are bit/s with an optional k/M/G suffix (x1000), as the CLI's.
 * Every command ends with one line, flushed:
 *   ok CMD us=MICROSECONDS at=MICROSECONDS
 *   error CMD errno=ENAME: MESSAGE          (MESSAGE is the shaper's err)
 * (us: how long the shaper call took; at: CLOCK_MONOTONIC when it returned,
 * so that a test computes rates from when the counters were read), before
 * which `read` prints one line per class:
 *   class NAME CLASSID rate=N ceil=N bytes=N packets=N drops=N overlimits=N backlog=N qlen=N
 * Exit status: 0 if every command succeeded, 1 otherwise, 2 for bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "shaper.h"

#define MAX_ARGS 8

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int rate_arg(const char *s, uint64_t *out)
{
	const char *why = vq_parse_rate(s, out);

	if (why) {
		printf("error usage: bad rate '%s': %s\n", s, why);
		return -1;
	}
	return 0;
}

/* Returns 0 (ok), 1 (the shaper failed) or 2 (bad command). */
static int run(struct vq_shaper *sh, int argc, char **argv)
{
	char err[256] = "", id[VQ_CLASSID_STRLEN];
	const char *cmd = argc > 0 ? argv[0] : "";
	int64_t t0 = now_us(), t1;
	int r;

	if (!strcmp(cmd, "setup") && argc == 6) {
		struct vq_shaper_link l = { 0 };
		uint64_t oh;

		if (strlen(argv[1]) >= sizeof(l.ifname)) {
			/* Handed over as is, so the shaper's own check is what answers. */
			memcpy(l.ifname, argv[1], sizeof(l.ifname));
		} else {
			strcpy(l.ifname, argv[1]);
		}
		if (rate_arg(argv[2], &l.rate_bps) || rate_arg(argv[4], &l.signalling_bps) ||
		    rate_arg(argv[5], &l.voice_bps))
			return 2;
		if (!vq_parse_num(argv[3], 100000, &oh)) {
			printf("error usage: bad overhead '%s'\n", argv[3]);
			return 2;
		}
		l.overhead = (unsigned int)oh;
		t0 = now_us();
		r = vq_shaper_setup(sh, &l, err, sizeof(err));
	} else if (!strcmp(cmd, "voice") && argc == 3) {
		uint64_t v;

		if (rate_arg(argv[2], &v))
			return 2;
		t0 = now_us();
		r = vq_shaper_set_voice(sh, argv[1], v, err, sizeof(err));
	} else if (!strcmp(cmd, "read") && argc == 2) {
		struct vq_shaper_class_stats st[VQ_SHAPER_NCLASSES];

		r = vq_shaper_read(sh, argv[1], st, err, sizeof(err));
		for (int i = 0; !r && i < VQ_SHAPER_NCLASSES; i++)
			printf("class %s %s rate=%" PRIu64 " ceil=%" PRIu64 " bytes=%" PRIu64
			       " packets=%" PRIu64 " drops=%" PRIu64 " overlimits=%" PRIu64
			       " backlog=%" PRIu64 " qlen=%" PRIu64 "\n",
			       st[i].name, vq_shaper_classid_str(st[i].classid, id),
			       st[i].rate_bps, st[i].ceil_bps, st[i].bytes, st[i].packets,
			       st[i].drops, st[i].overlimits, st[i].backlog_bytes, st[i].qlen);
	} else if (!strcmp(cmd, "remove") && argc == 2) {
		r = vq_shaper_remove(sh, argv[1], err, sizeof(err));
	} else {
		printf("error usage: unknown command or wrong argument count: '%s' (%d words)\n",
		       cmd, argc);
		return 2;
	}
	if (r) {
		const char *name = strerrorname_np(-r);

		printf("error %s errno=%s: %s\n", cmd, name ? name : "?", err);
		return 1;
	}
	t1 = now_us();
	printf("ok %s us=%" PRId64 " at=%" PRId64 "\n", cmd, t1 - t0, t1);
	return 0;
}

int main(int argc, char **argv)
{
	char err[256] = "", *line = NULL;
	struct vq_shaper *sh;
	size_t cap = 0;
	int worst = 0, r;

	if (argc < 2) {
		fprintf(stderr, "usage: vq-shaper-try CMD ARGS... | vq-shaper-try -\n");
		return 2;
	}
	sh = vq_shaper_open(err, sizeof(err));
	if (!sh) {
		printf("error open: %s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "-")) {
		worst = run(sh, argc - 1, argv + 1);
	} else {
		while (getline(&line, &cap, stdin) > 0) {
			char *words[MAX_ARGS], *save = NULL, *w;
			int n = 0;

			for (w = strtok_r(line, " \t\r\n", &save); w && n < MAX_ARGS;
			     w = strtok_r(NULL, " \t\r\n", &save))
				words[n++] = w;
			if (!n)
				continue;
			r = run(sh, n, words);
			fflush(stdout);
			if (r > worst)
				worst = r;
		}
		free(line);
	}
	fflush(stdout);
	vq_shaper_close(sh);
	return worst;
}
