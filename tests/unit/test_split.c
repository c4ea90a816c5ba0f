// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "test.h"

T_SUITE(split)
{
	static const struct {
		const char *in;
		int argc;	/* -1: syntax error */
		const char *joined;	/* words joined with '|' */
	} cases[] = {
		{ "flow add dst 1.2.3.4:5", 4, "flow|add|dst|1.2.3.4:5" },
		{ "  a   b  ", 2, "a|b" },
		{ "a\tb\r\n", 2, "a|b" },
		{ "", 0, "" },
		{ " \t\r\n", 0, "" },
		{ "# comment", 0, "" },
		{ "   # indented comment", 0, "" },
		{ "a # trailing", 1, "a" },
		{ "a b#c", 2, "a|b#c" },
		{ "a 'b c' \"d e\"", 3, "a|b c|d e" },
		{ "a ''", 2, "a|" },
		{ "x'y z'w", 1, "xy zw" },
		{ "\"it's\"", 1, "it's" },
		{ "'#not comment'", 1, "#not comment" },
		{ "a 'b", -1, NULL },
		{ "\"", -1, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96], joined[256] = "", *buf = strdup(cases[i].in), **argv;
		const char *err;
		int n = vq_split_line(buf, &argv, &err), k;

		snprintf(name, sizeof(name), "split line '%s'", cases[i].in);
		if (cases[i].argc < 0) {
			t_check(n == -1 && err && strcmp(err, "unterminated quote") == 0,
				name, "got %d words", n);
			free(buf);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (k)
				strcat(joined, "|");
			strcat(joined, argv[k]);
		}
		t_check(n == cases[i].argc && !argv[n] &&
			strcmp(joined, cases[i].joined) == 0, name,
			"got %d words '%s'", n, joined);
		free(argv);
		free(buf);
	}
}
