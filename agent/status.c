// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos status [--json]: voiceqosd's links (rate, voice budget,
 * reserved, free, calls admitted and over budget, the classes' live
 * counters) and its counters. The daemon builds both forms.
 */
#include <string.h>

#include "cli.h"
#include "common.h"
#include "ctl_client.h"

#define STATUS_TIMEOUT_MS 10000

int status_main(int argc, char *argv[])
{
	struct vq_ctl_ask a = { .who = "status", .timeout_ms = STATUS_TIMEOUT_MS };
	bool json = vq_json;
	long lines;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			a.path = argv[++i];
		else
			return vq_usage("status: unexpected argument '%s'", argv[i]);
	}
	a.req = json ? "status\n" : "status text\n";
	return vq_ctl_ask(&a, stdout, &lines);
}
