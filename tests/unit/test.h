/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal harness: every check is one case and prints "ok - NAME" or
 * "not ok - NAME: reason" (the project's test output convention).
 */
#ifndef VQ_TEST_H
#define VQ_TEST_H

#include <stdbool.h>
#include <stdio.h>

extern unsigned int t_passed, t_failed;

__attribute__((format(printf, 3, 4)))
bool t_check(bool ok, const char *name, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void t_skip(const char *fmt, ...);

/* Capture what the CLI code writes through vq_errf. */
void t_capture_start(void);
/* Returns the captured text (static until the next call), newline stripped. */
const char *t_capture_end(void);

/* Splits a command line into a NULL-terminated argv; t_free_argv after. */
int t_argv(const char *line, char ***argv, char **buf);

/*
 * Suites register themselves, so that a new test file needs no edit
 * anywhere else: T_SUITE(addr) { ... checks ... }. They run in name order.
 */
void t_register(const char *name, void (*fn)(void));
#define T_SUITE(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void t_reg_##name(void)	\
	{								\
		t_register(#name, test_##name);				\
	}								\
	static void test_##name(void)

/* A file under tests/unit/ (corpora, fixtures), for suites that read them. */
const char *t_path(const char *rel);

#endif
