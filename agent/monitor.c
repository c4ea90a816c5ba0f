// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos monitor [--json] [--count N] [--timeout S]: voiceqosd's events
 * as they happen (call_admitted, call_over_budget, call_released,
 * flow_expired, budget_changed). --json prints the daemon's JSON lines as
 * received; without it, the daemon's aligned human lines.
 */
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "common.h"
#include "ctl_client.h"

int monitor_main(int argc, char *argv[])
{
	struct vq_ctl_ask a = { .who = "monitor", .idle_ok = true };
	bool json = vq_json;
	uint64_t v;
	long lines;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (!vq_parse_num(argv[++i], 1000000000, &v) || !v)
				return vq_usage("monitor: --count takes 1-1000000000");
			a.max_lines = v;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (!vq_parse_num(argv[++i], 86400, &v) || !v)
				return vq_usage("monitor: --timeout takes 1-86400 seconds");
			a.timeout_ms = v * 1000;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			a.path = argv[++i];
		} else {
			return vq_usage("monitor: unexpected argument '%s'", argv[i]);
		}
	}
	a.req = json ? "monitor\n" : "monitor text\n";
	return vq_ctl_ask(&a, stdout, &lines);
}
