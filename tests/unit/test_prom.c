// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "../../agent/prom.h"

static char *buf;
static size_t len;

static FILE *open_buf(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void expect(const char *name, FILE *f, const char *want)
{
	fclose(f);
	t_check(!strcmp(buf, want), name, "got '%s', want '%s'", buf, want);
}

T_SUITE(prom)
{
	static const char *const esc[] = {
		"call", "a\"b\\c\nd", "dir", "up", NULL,
	};
	static const char *const one[] = { "link", "wan0", NULL };
	FILE *f;

	f = open_buf();
	vq_prom_family(f, "voiceqos_x_total", VQ_PROM_COUNTER, "back\\slash and\nnewline");
	vq_prom_sample_u64(f, "voiceqos_x_total", NULL, UINT64_MAX);
	expect("prom: family header escapes help; u64 keeps every digit", f,
	       "# HELP voiceqos_x_total back\\\\slash and\\nnewline\n"
	       "# TYPE voiceqos_x_total counter\n"
	       "voiceqos_x_total 18446744073709551615\n");

	f = open_buf();
	vq_prom_sample(f, "voiceqos_mos", esc, 4.25);
	expect("prom: label values escaped", f,
	       "voiceqos_mos{call=\"a\\\"b\\\\c\\nd\",dir=\"up\"} 4.25\n");

	f = open_buf();
	vq_prom_family(f, "voiceqos_g", VQ_PROM_GAUGE, "g");
	vq_prom_sample(f, "voiceqos_g", one, NAN);
	vq_prom_sample(f, "voiceqos_g", one, INFINITY);
	vq_prom_sample(f, "voiceqos_g", one, -INFINITY);
	vq_prom_sample(f, "voiceqos_g", one, 0.1);
	expect("prom: gauge, NaN, infinities, shortest exact-enough decimals", f,
	       "# HELP voiceqos_g g\n# TYPE voiceqos_g gauge\n"
	       "voiceqos_g{link=\"wan0\"} NaN\nvoiceqos_g{link=\"wan0\"} +Inf\n"
	       "voiceqos_g{link=\"wan0\"} -Inf\nvoiceqos_g{link=\"wan0\"} 0.1\n");
	free(buf);
	buf = NULL;
}
