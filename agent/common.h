/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State shared by all subcommands: output mode, error reporting and the one
 * netlink connection that a whole batch reuses.
 */
#ifndef VQ_COMMON_H
#define VQ_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "genl.h"

#define EXIT_KERNEL 1	/* the kernel (or the system) said no */
#define EXIT_USAGE 2	/* the command line was wrong */

extern bool vq_json;
/* stderr; the unit tests point it at a memory stream to check messages. */
extern FILE *vq_errf;
/* "voiceqos: " normally, "FILE:LINE: " for a batch line. */
extern const char *vq_err_prefix;

__attribute__((format(printf, 1, 2)))
int vq_err(const char *fmt, ...);	/* returns EXIT_KERNEL */
__attribute__((format(printf, 1, 2)))
int vq_usage(const char *fmt, ...);	/* returns EXIT_USAGE */
/* "WHAT: strerror(err)[: extack]"; returns EXIT_KERNEL. */
int vq_kerr(const char *what, int err, const char *extack);

/* "CMD: bad KW 'VAL' (WHY)"; returns EXIT_USAGE. */
int vq_bad(const char *cmd, const char *kw, const char *val, const char *why);

/*
 * Connects to voiceqosd's control socket at path with a receive timeout
 * (0: none). 0 and *fd set, or *fd = -1 and the exit status after a
 * message that says what to do:
 * daemon not running (no socket, or nobody listening), permission denied.
 */
int vq_ctl_dial(const char *cmd, const char *path, int timeout_s, int *fd);

/*
 * The shared connection with the voiceqos family resolved, opened on first
 * use; NULL (message printed) if that fails, e.g. module not loaded.
 */
struct genl *vq_genl(void);
/* Opens and resolves a private connection (listen needs its own socket). */
int vq_genl_open(struct genl *g);
void vq_genl_close(void);

/*
 * Splits line in place into words: blanks separate, '...' and "..." quote
 * (no escapes inside), an unquoted # at a word start ends the line.
 * Returns the word count (argv NULL-terminated, free() it), -1 with *err
 * set on a syntax error.
 */
int vq_split_line(char *line, char ***argv, const char **err);

#endif
