// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>

#include "prom.h"

void vq_prom_family(FILE *out, const char *name, enum vq_prom_type type,
		    const char *help)
{
	const char *p;

	/* HELP text escapes only backslash and newline. */
	fprintf(out, "# HELP %s ", name);
	for (p = help; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	fprintf(out, "\n# TYPE %s %s\n", name,
		type == VQ_PROM_COUNTER ? "counter" : "gauge");
}

static void labels_out(FILE *out, const char *const *labels)
{
	const char *p;
	int first = 1;

	if (!labels || !labels[0])
		return;
	fputc('{', out);
	for (; labels[0] && labels[1]; labels += 2) {
		fprintf(out, "%s%s=\"", first ? "" : ",", labels[0]);
		first = 0;
		for (p = labels[1]; *p; p++) {
			if (*p == '\\' || *p == '"')
				fprintf(out, "\\%c", *p);
			else if (*p == '\n')
				fputs("\\n", out);
			else
				fputc(*p, out);
		}
		fputc('"', out);
	}
	fputc('}', out);
}

void vq_prom_sample(FILE *out, const char *name, const char *const *labels,
		    double value)
{
	fputs(name, out);
	labels_out(out, labels);
	if (isnan(value))
		fputs(" NaN\n", out);
	else if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", out);
	else
		fprintf(out, " %.15g\n", value);
}

/* Counters beyond 2^53 keep every digit: no detour through double. */
void vq_prom_sample_u64(FILE *out, const char *name,
			const char *const *labels, uint64_t value)
{
	fputs(name, out);
	labels_out(out, labels);
	fprintf(out, " %" PRIu64 "\n", value);
}
