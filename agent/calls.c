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
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("VOICEQOS_SOCKET");
	struct timeval tv = { .tv_sec = CALLS_TIMEOUT_S };
	const char *req;
	char buf[8192];
	ssize_t n;
	int fd, i;
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
	if (strlen(path) >= sizeof(sa.sun_path))
		return vq_usage("calls: socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vq_err("calls: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return vq_err("voiceqosd is not running (no control socket at %s)",
				      path);
		if (e == EACCES || e == EPERM)
			return vq_err("calls: %s: permission denied (the control socket "
				      "is root only)", path);
		return vq_err("calls: connect %s: %s", path, strerror(e));
	}
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
			close(fd);
			return vq_err("calls: voiceqosd says: %.*s", (int)strcspn(buf, "\n"),
				      buf);
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
