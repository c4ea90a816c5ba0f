// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"
#include "config.h"
#include "ctl_client.h"

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_ctl(const struct vq_ctl_ask *a, const char *path, int *fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return vq_usage("%s: socket path too long: %s", a->who, path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return vq_err("%s: socket: %s", a->who, strerror(errno));
	if (connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	e = errno;
	close(*fd);
	*fd = -1;
	if (e == ENOENT || e == ECONNREFUSED)
		return vq_err("voiceqosd is not running (no control socket at %s)", path);
	if (e == EACCES || e == EPERM)
		return vq_err("%s: %s: permission denied (the control socket is root only)",
			      a->who, path);
	return vq_err("%s: connect %s: %s", a->who, path, strerror(e));
}

int vq_ctl_ask(const struct vq_ctl_ask *a, FILE *out, long *lines)
{
	const char *path = a->path ? a->path : getenv("VOICEQOS_SOCKET");
	long long deadline = a->timeout_ms ? mono_ms() + a->timeout_ms : 0;
	size_t len = 0, cap = 0;
	char *line = NULL;
	int fd = -1, r, rc = 0;

	*lines = 0;
	if (!path || !*path)
		path = VQ_DEFAULT_SOCKET;
	r = connect_ctl(a, path, &fd);
	if (r)
		return r;
	/* A daemon that refuses us answers without reading: EPIPE is fine. */
	if (send(fd, a->req, strlen(a->req), MSG_NOSIGNAL) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		rc = vq_err("%s: send to %s: %s", a->who, path, strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait = -1;
		char buf[4096];
		ssize_t n;

		if (deadline) {
			long long left = deadline - mono_ms();

			if (left <= 0) {
				if (!a->idle_ok && !*lines)
					rc = vq_err("%s: no answer from voiceqosd within %d ms",
						    a->who, a->timeout_ms);
				goto out;
			}
			wait = left;
		}
		r = poll(&p, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = vq_err("%s: read from %s: %s", a->who, path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (len + 1 >= cap) {
				char *nl = realloc(line, cap ? cap * 2 : 1024);

				if (!nl) {
					rc = vq_err("%s: out of memory", a->who);
					goto out;
				}
				line = nl;
				cap = cap ? cap * 2 : 1024;
			}
			line[len++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[len] = '\0';
			if (!*lines && !strncmp(line, "{\"error\":", 9)) {
				line[len - 1] = '\0';
				rc = vq_err("%s: voiceqosd says: %s", a->who, line);
				goto out;
			}
			fputs(line, out);
			fflush(out);
			len = 0;
			if (++*lines == a->max_lines && a->max_lines)
				goto out;
		}
	}
	if (len) {
		fwrite(line, 1, len, out);
		(*lines)++;
	}
	if (!*lines && !a->idle_ok)
		rc = vq_err("%s: voiceqosd closed the connection without an answer", a->who);
out:
	free(line);
	close(fd);
	return rc;
}
