// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "test.h"

unsigned int t_passed, t_failed;

/* A case name must stay on its one line, whatever input it quotes. */
static void put_name(const char *name)
{
	for (; *name; name++) {
		if (*name == '\n')
			fputs("\\n", stdout);
		else if (*name == '\r')
			fputs("\\r", stdout);
		else if (*name == '\t')
			fputs("\\t", stdout);
		else
			putchar(*name);
	}
}

bool t_check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "not ok - ", stdout);
	put_name(name);
	if (ok) {
		putchar('\n');
		t_passed++;
		return true;
	}
	fputs(": ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	t_failed++;
	return false;
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	printf("# skip: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static char *cap_buf;
static size_t cap_len;
static char cap_copy[1024];

void t_capture_start(void)
{
	vq_errf = open_memstream(&cap_buf, &cap_len);
}

const char *t_capture_end(void)
{
	size_t n;

	if (!vq_errf)
		return "";
	fclose(vq_errf);
	vq_errf = NULL;
	snprintf(cap_copy, sizeof(cap_copy), "%s", cap_buf ? cap_buf : "");
	free(cap_buf);
	cap_buf = NULL;
	n = strlen(cap_copy);
	if (n && cap_copy[n - 1] == '\n')
		cap_copy[n - 1] = '\0';
	return cap_copy;
}

int t_argv(const char *line, char ***argv, char **buf)
{
	const char *err;

	*buf = strdup(line);
	return vq_split_line(*buf, argv, &err);
}

#define T_MAX_SUITES 64
static struct {
	const char *name;
	void (*fn)(void);
} suites[T_MAX_SUITES];
static unsigned int n_suites;

void t_register(const char *name, void (*fn)(void))
{
	if (n_suites == T_MAX_SUITES) {
		fprintf(stderr, "test_main: more than %d suites\n", T_MAX_SUITES);
		abort();
	}
	suites[n_suites].name = name;
	suites[n_suites++].fn = fn;
}

static int suite_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char path_buf[4096];

const char *t_path(const char *rel)
{
	const char *dir = getenv("VQ_UNIT_DIR");

	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir ? dir : UNIT_DIR, rel);
	return path_buf;
}

/* unit-tests [SUITE...]: all suites, or only the named ones. */
int main(int argc, char *argv[])
{
	unsigned int i;
	int k;

	/* Make the output order deterministic when piped. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(suites, n_suites, sizeof(suites[0]), suite_cmp);
	for (i = 0; i < n_suites; i++) {
		bool run = argc < 2;

		for (k = 1; k < argc; k++)
			run |= !strcmp(argv[k], suites[i].name);
		if (run)
			suites[i].fn();
	}
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}
