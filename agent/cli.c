// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos: low-level control of the voiceqos kernel module.
 *
 * Layout follows wireguard-tools' wg: one table of subcommands, one file
 * per subcommand. New subcommands (the agent daemon, SIP tools) only need a
 * row in the table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "common.h"


static int help_main(int argc, char *argv[]);

static const struct subcommand {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "flow", flow_main,
	  "  flow add dst ADDR:PORT [src ADDR[:PORT]|*:PORT|any] [cookie N]\n"
	  "           [media audio|video|other] [rtcp] [dscp N|NAME]\n"
	  "           [priority MAJ:MIN|0xHEX] [mark V[/MASK]] [rate N[k|m|g]]\n"
	  "           [burst BYTES] [clock HZ] [timeout SEC] [excl]\n"
	  "  flow del dst ADDR:PORT [src ADDR[:PORT]|*:PORT|any]\n"
	  "  flow del cookie N\n"
	  "  flow get dst ADDR:PORT [src ADDR[:PORT]|*:PORT|any]\n"
	  "  flow list [cookie N]\n"
	  "  flow flush\n" },
	{ "flows", flows_main,
	  "  flows [cookie N]\n" },
	{ "stats", stats_main,
	  "  stats [--prometheus]\n" },
	{ "config", config_main,
	  "  config get\n"
	  "  config set [sip-ports P[,P...]] [be-priority MAJ:MIN]\n"
	  "             [fallback-dscp N|NAME] [sip-dscp N|NAME|keep]\n"
	  "             [sip-priority MAJ:MIN] [mirror-rate N] [mirror-burst N]\n" },
	{ "listen", listen_main,
	  "  listen [sip] [events] [count N] [timeout SEC]\n" },
	{ "calls", calls_main, "  calls [--json] [--socket PATH]\n" },
	{ "status", status_main, "  status [--json] [--socket PATH]\n" },
	{ "monitor", monitor_main,
	  "  monitor [--json] [--count N] [--timeout SEC] [--socket PATH]\n" },
	{ "replay", replay_main, "  replay [--config FILE] [--json] [--log-level L] CAPTURE\n" },
	{ "plan", plan_main,
	  "  plan --calls N --codec C [--ptime MS]\n"
	  "       [--link ethernet|vlan|pppoe|ipv6|none|BYTES] [--json]\n" },
	{ "batch", batch_main,
	  "  batch FILE|-\n" },
	{ "help", help_main,
	  "  help [COMMAND]\n" },
};

#define NSUB (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: voiceqos [--json] COMMAND [ARGS...]\n\ncommands:\n", f);
	for (i = 0; i < NSUB; i++)
		fputs(subcommands[i].help, f);
	fputs("\noptions (before COMMAND):\n"
	      "  -j, --json     JSON output (flow get/list, stats, config get, listen)\n"
	      "  -h, --help     this text\n"
	      "  -V, --version  print the version\n"
	      "\nvalues:\n"
	      "  ADDR      numeric IPv4 or IPv6; with a port IPv6 needs [ADDR]:PORT;\n"
	      "            in src, * or any stands for any address or port\n"
	      "  dscp      0-63 or cs0-cs7, af11-af43, ef, va, le\n"
	      "  priority  tc class MAJ:MIN in hex (1:10), 0xHEX, or none\n"
	      "  rate      bit/s, optional k/m/g (x1000), e.g. 64k, 1.5m; 0 = no policing\n"
	      "  SEC       seconds (listen timeout takes up to 3 decimals)\n"
	      "\nexit status: 0 success, 1 kernel or system error, 2 usage error\n", f);
}

static const struct subcommand *find(const char *name)
{
	size_t i;

	for (i = 0; i < NSUB; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

static int help_main(int argc, char *argv[])
{
	const struct subcommand *s;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (argc > 2)
		return vq_usage("help: expected at most one COMMAND");
	s = find(argv[1]);
	if (!s)
		return vq_usage("help: unknown command '%s'", argv[1]);
	printf("usage:\n%s", s->help);
	return 0;
}

static bool is_help(const char *a)
{
	return strcmp(a, "help") == 0 || strcmp(a, "--help") == 0 ||
	       strcmp(a, "-h") == 0;
}

int vq_run(int argc, char *argv[])
{
	const struct subcommand *s;
	bool saved = vq_json;
	int k, r;

	/* --json applies to this command only (matters for batch lines). */
	for (k = 0; k < argc && argv[k][0] == '-'; k++) {
		if (strcmp(argv[k], "--json") == 0 || strcmp(argv[k], "-j") == 0) {
			vq_json = true;
		} else if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			usage(stdout);
			r = 0;
			goto out;
		} else if (strcmp(argv[k], "--version") == 0 ||
			   strcmp(argv[k], "-V") == 0) {
			printf("voiceqos %s\n", VQOS_VERSION);
			r = 0;
			goto out;
		} else {
			r = vq_usage("unknown option '%s' (see voiceqos help)", argv[k]);
			goto out;
		}
	}
	if (k == argc) {
		usage(stdout);
		r = 0;
		goto out;
	}
	s = find(argv[k]);
	if (!s) {
		r = vq_usage("unknown command '%s' (see voiceqos help)", argv[k]);
		goto out;
	}
	if (s->fn != help_main && k + 1 < argc && is_help(argv[k + 1])) {
		printf("usage:\n%s", s->help);
		r = 0;
		goto out;
	}
	r = s->fn(argc - k, argv + k);
out:
	fflush(stdout);
	vq_json = saved;
	return r;
}

int main(int argc, char *argv[])
{
	int r = vq_run(argc - 1, argv + 1);

	vq_genl_close();
	if (fflush(stdout) == EOF || ferror(stdout))
		return r ? r : vq_err("write error on stdout");
	return r;
}
