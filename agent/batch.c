// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"

int vq_in_batch;

/*
 * Every line runs through vq_run() in this process, so all lines share the
 * connection vq_genl() opened on first use: one socket, one family lookup,
 * however long the file is.
 */
int batch_main(int argc, char *argv[])
{
	const char *name, *saved_prefix = vq_err_prefix;
	char prefix[PATH_MAX + 32];
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	FILE *f;

	if (argc != 2)
		return vq_usage("batch: expected one FILE, or - for stdin");
	if (vq_in_batch)
		return vq_usage("batch: a batch cannot run another batch");
	if (strcmp(argv[1], "-") == 0) {
		f = stdin;
		name = "<stdin>";
	} else {
		f = fopen(argv[1], "r");
		if (!f)
			return vq_err("batch: %s: %s", argv[1], strerror(errno));
		name = argv[1];
	}

	vq_in_batch = 1;
	while (getline(&line, &cap, f) != -1) {
		const char *why;
		char **av;
		int ac;

		lineno++;
		snprintf(prefix, sizeof(prefix), "%s:%lu: ", name, lineno);
		vq_err_prefix = prefix;
		ac = vq_split_line(line, &av, &why);
		if (ac < 0) {
			rc = vq_usage("%s", why);
			break;
		}
		if (ac > 0)
			rc = vq_run(ac, av);
		free(av);
		if (rc)
			break;
	}
	if (!rc && ferror(f)) {
		vq_err_prefix = saved_prefix;
		rc = vq_err("batch: %s: read error", name);
	}
	vq_err_prefix = saved_prefix;
	vq_in_batch = 0;
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}
