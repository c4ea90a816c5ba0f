// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos calls [--json]: what voiceqosd tracks, with the kernel's live
 * counters. The daemon builds the whole answer (it holds the calls and
 * merges a flow dump into them); this side only asks and copies it out.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cli.h"
#include "common.h"
#include "config.h"

/* Reading the whole reply, however long, with a bound on the wait. */
#define CALLS_TIMEOUT_S 10

int calls_main(int argc, char *argv[])
{
	const char *path = getenv("VOICEQOS_SOCKET");
	const char *req;
	char buf[8192];
	ssize_t n;
	int fd, i, r;
	bool json = vq_json, any = false;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = true;
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			path = argv[++i];
		else
			return vq_usage("calls: unexpected argument '%s'", argv[i]);
	}
	if (!path || !*path)
		path = VQ_DEFAULT_SOCKET;
	r = vq_ctl_dial("calls", path, CALLS_TIMEOUT_S, &fd);
	if (r)
		return r;
	req = json ? "calls\n" : "calls text\n";
	/*
	 * A daemon that refuses us answers and closes without reading the
	 * request, so a send that finds the peer gone still has a reply to read.
	 */
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		int e = errno;

		close(fd);
		return vq_err("calls: send to %s: %s", path, strerror(e));
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		/* The daemon refuses non-root peers with a one-line JSON error. */
		if (!any && strncmp(buf, "{\"error\":", 9) == 0) {
			const char *nl = memchr(buf, '\n', n);
			int len = nl ? nl - buf : n;
			bool perm = memmem(buf, len, "permission denied", 17) != NULL;

			close(fd);
			return vq_err("calls: voiceqosd says: %.*s%s", len, buf,
				      perm ? " (run as root)" : "");
		}
		any = true;
		fwrite(buf, 1, n, stdout);
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		return vq_err("calls: read from %s: %s", path,
			      e == EAGAIN ? "timed out" : strerror(e));
	}
	close(fd);
	if (!any)
		return vq_err("calls: voiceqosd closed the connection without an answer");
	return 0;
}
