// SPDX-License-Identifier: GPL-2.0
/*
 * The corpus replay of `make check`: a harness's LLVMFuzzerTestOneInput run
 * once on every file of the directories (and files) given, built with gcc,
 * ASan and UBSan and without libFuzzer, so that every input ever found
 * interesting, and every crash once fixed, keeps being run. A crash, a
 * sanitizer report (leaks checked after each input) or a broken invariant
 * names the file and ends the process with a non-zero status; otherwise one line:
 * "replay-NAME: N inputs from D directories".
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>

#include "fuzz.h"

static const char *current;

static void say_which(void)
{
	if (current)
		fprintf(stderr, "vq-fuzz: while running %s\n", current);
}

/* vq_fuzz_fail() aborts: name the file there too, then die of the signal. */
static void on_abort(int sig)
{
	say_which();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	len = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "%s: cannot size: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	/* An exact-size heap copy: ASan sees a read past the input's end. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	current = path;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	/* A leak is checked per input, as libFuzzer does, so that it names its file. */
	if (__lsan_do_recoverable_leak_check()) {
		say_which();
		exit(1);
	}
	current = NULL;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order (a failure reproduces the same way). */
static int run_dir(const char *dir, unsigned long *n)
{
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t cnt = 0, cap = 0;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README.md") ||
		    !strcmp(de->d_name, "MANIFEST"))
			continue;
		if (cnt == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));

			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		names[cnt] = strdup(de->d_name);
		if (!names[cnt]) {
			rc = -1;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(names, cnt, sizeof(*names), cmp);
	for (size_t i = 0; i < cnt; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!rc && !stat(path, &st) && S_ISREG(st.st_mode)) {
			if (run_file(path))
				rc = -1;
			else
				(*n)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	unsigned long n = 0;
	int dirs = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", name);
		return 2;
	}
	__sanitizer_set_death_callback(say_which);
	signal(SIGABRT, on_abort);
	if (LLVMFuzzerInitialize(&argc, &argv))
		return 1;
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			dirs++;
			if (run_dir(argv[i], &n))
				return 1;
			continue;
		}
		if (run_file(argv[i]))
			return 1;
		n++;
	}
	printf("%s: %lu inputs from %d directories\n", name, n, dirs);
	return 0;
}
