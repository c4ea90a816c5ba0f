/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of voiceqosd's control socket for `voiceqos status` and
 * `voiceqos monitor`: connect (with the messages for a daemon that is not
 * running or a socket that is root only), send one request, copy the
 * answer out line by line.
 */
#ifndef VQ_CTL_CLIENT_H
#define VQ_CTL_CLIENT_H

#include <stdio.h>

struct vq_ctl_ask {
	const char *who;	/* subcommand name, for messages */
	const char *path;	/* socket; NULL: $VOICEQOS_SOCKET or the default */
	const char *req;	/* the request line, with its newline */
	int timeout_ms;		/* the whole exchange; 0 = none (monitor) */
	long max_lines;		/* stop after this many lines; 0 = until EOF */
	bool idle_ok;		/* timeout reached with no line is success */
};

/*
 * Copies the daemon's reply to out. Exit status: 0, or vq_err's after a
 * message (a {"error":...} first line from the daemon is an error too);
 * *lines gets how many lines were copied.
 */
int vq_ctl_ask(const struct vq_ctl_ask *a, FILE *out, long *lines);

#endif
