// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of every harness: the invariant failure and a quiet log. The
 * log is pointed at /dev/null rather than turned off so that its
 * formatting (which escapes SIP quoted from the network) is fuzzed too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "log.h"

void vq_fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vq-fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void vq_fuzz_quiet_log(void)
{
	static FILE *null;

	if (!null) {
		null = fopen("/dev/null", "w");
		if (!null)
			vq_fuzz_fail("cannot open /dev/null");
	}
	vq_log_set_file(null);
	vq_log_set_level(LOG_DEBUG);
}
