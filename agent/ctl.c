// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl.h"
#include "log.h"

static const struct {
	const char *line;
	enum vq_ctl_req req;
} reqs[] = {
	{ "calls", VQ_CTL_CALLS },
	{ "calls text", VQ_CTL_CALLS_TEXT },
	{ "status", VQ_CTL_STATUS },
	{ "monitor", VQ_CTL_MONITOR },
	{ "status text", VQ_CTL_STATUS_TEXT },
	{ "monitor text", VQ_CTL_MONITOR_TEXT },
};

enum vq_ctl_req vq_ctl_parse(const char *buf, size_t n, bool *complete)
{
	const char *nl = memchr(buf, '\n', n);
	size_t len, i;

	*complete = nl != NULL;
	if (!nl)
		return VQ_CTL_BAD;
	len = nl - buf;
	if (len && buf[len - 1] == '\r')
		len--;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (strlen(reqs[i].line) == len && memcmp(reqs[i].line, buf, len) == 0)
			return reqs[i].req;
	return VQ_CTL_BAD;
}

static int mkdir_parent(const char *path, char *err, size_t errlen)
{
	char tmp[sizeof(((struct vq_ctl *)0)->path)];
	char *dir;

	snprintf(tmp, sizeof(tmp), "%s", path);
	dir = dirname(tmp);
	if (mkdir(dir, 0750) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "control socket directory %s: %s", dir, strerror(errno));
	return -errno;
}

/* Is a daemon answering on path? Then we must not steal its socket. */
static bool someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool yes;

	if (fd < 0)
		return false;
	yes = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return yes;
}

int vq_ctl_open(struct vq_ctl *c, const char *path, vq_ctl_fn fn, void *ctx,
		char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int i, r;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	c->fn = fn;
	c->ctx = ctx;
	if (strlen(path) >= sizeof(sa.sun_path) || strlen(path) >= sizeof(c->path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	r = mkdir_parent(path, err, errlen);
	if (r < 0)
		return r;
	if (someone_listens(&sa)) {
		snprintf(err, errlen, "%s: another voiceqosd is running", path);
		c->path[0] = '\0';
		return -EADDRINUSE;
	}
	unlink(path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	/* Never a moment with a socket others may connect to. */
	old = umask(0177);
	r = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(c->fd, 16) < 0)
		goto fail;
	return 0;
fail:
	r = -errno;
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	vq_ctl_close(c);
	return r;
}

static void drop(struct vq_ctl_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

void vq_ctl_close(struct vq_ctl *c)
{
	int i;

	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++)
		drop(&c->cl[i]);
	if (c->fd >= 0) {
		close(c->fd);
		unlink(c->path);
	}
	c->fd = -1;
}

int vq_ctl_pollfds(const struct vq_ctl *c, struct pollfd *p)
{
	int i, n = 0;

	if (c->fd < 0)
		return 0;
	p[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			p[n++] = (struct pollfd){
				.fd = c->cl[i].fd,
				.events = c->cl[i].out && c->cl[i].outoff <
					  c->cl[i].outlen ? POLLOUT : POLLIN,
			};
	return n;
}

static void accept_one(struct vq_ctl *c, uint64_t now_ms)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int fd, i;

	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* The file mode already says root only; this holds if it was changed. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != 0) {
		static const char msg[] = "{\"error\":\"permission denied: root only\"}\n";

		c->refused++;
		if (write(fd, msg, sizeof(msg) - 1) < 0)
			vq_debug("control: refused client went away");
		close(fd);
		return;
	}
	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++) {
		if (c->cl[i].fd < 0) {
			c->cl[i].fd = fd;
			c->cl[i].deadline_ms = now_ms + VQ_CTL_TIMEOUT_MS;
			return;
		}
	}
	/* All slots busy: a short answer rather than a hang. */
	c->refused++;
	{
		static const char msg[] = "{\"error\":\"busy\"}\n";

		if (write(fd, msg, sizeof(msg) - 1) < 0)
			vq_debug("control: busy client went away");
	}
	close(fd);
}

static void build_reply(struct vq_ctl *c, struct vq_ctl_client *cl,
			enum vq_ctl_req req)
{
	FILE *f = open_memstream(&cl->out, &cl->outlen);

	if (!f) {
		drop(cl);
		return;
	}
	if (req == VQ_CTL_MONITOR || req == VQ_CTL_MONITOR_TEXT) {
		/* No reply: the events follow as they happen, without a deadline. */
		fclose(f);
		free(cl->out);
		cl->out = NULL;
		cl->outlen = cl->outoff = cl->outcap = 0;
		cl->monitor = true;
		cl->text = req == VQ_CTL_MONITOR_TEXT;
		cl->deadline_ms = UINT64_MAX;
		c->served++;
		return;
	}
	if (req == VQ_CTL_BAD) {
		fputs("{\"error\":\"unknown request (calls, calls text, status, "
		      "status text, monitor, monitor text)\"}\n", f);
	} else if (c->fn(c->ctx, req, f) < 0) {
		/* Whatever was written is incomplete: replace it. */
		fflush(f);
		rewind(f);
		fputs("{\"error\":\"the daemon could not build the reply\"}\n", f);
		fflush(f);
		cl->outlen = ftell(f);
	}
	if (fclose(f) != 0 || !cl->out) {
		drop(cl);
		return;
	}
	c->served++;
}

static void read_req(struct vq_ctl *c, struct vq_ctl_client *cl)
{
	enum vq_ctl_req req;
	bool complete;
	ssize_t n;

	n = read(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF without a newline: take what came as the request. */
		if (n == 0 && cl->inlen && cl->inlen < sizeof(cl->in)) {
			cl->in[cl->inlen++] = '\n';
			build_reply(c, cl, vq_ctl_parse(cl->in, cl->inlen, &complete));
			if (cl->fd >= 0)
				shutdown(cl->fd, SHUT_RD);
			return;
		}
		drop(cl);
		return;
	}
	cl->inlen += n;
	req = vq_ctl_parse(cl->in, cl->inlen, &complete);
	if (!complete && cl->inlen < sizeof(cl->in))
		return;
	build_reply(c, cl, req);
}

/* A monitor client says nothing after its request; EOF means it left. */
static void read_monitor(struct vq_ctl_client *cl)
{
	char buf[256];
	ssize_t n = read(cl->fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		drop(cl);
}

/* Sends what the socket takes; the queue is kept compact for appends. */
static void write_monitor(struct vq_ctl_client *cl)
{
	ssize_t n;

	while (cl->outoff < cl->outlen) {
		n = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			drop(cl);
			return;
		}
		cl->outoff += n;
	}
	if (cl->outoff == cl->outlen) {
		cl->outoff = cl->outlen = 0;
	} else if (cl->outoff) {
		memmove(cl->out, cl->out + cl->outoff, cl->outlen - cl->outoff);
		cl->outlen -= cl->outoff;
		cl->outoff = 0;
	}
}

void vq_ctl_broadcast(struct vq_ctl *c, const char *json, size_t jlen,
		      const char *text, size_t tlen)
{
	int i;

	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++) {
		struct vq_ctl_client *cl = &c->cl[i];
		const char *line = json;
		size_t len = jlen;

		if (cl->fd < 0 || !cl->monitor)
			continue;
		if (cl->text) {
			line = text;
			len = tlen;
		}
		if (cl->outlen + len > VQ_CTL_MONITOR_BUF) {
			c->monitor_dropped++;
			vq_warn("control: a monitor client left %zu bytes of events unread; "
				"dropped it", cl->outlen);
			drop(cl);
			continue;
		}
		if (cl->outlen + len > cl->outcap) {
			size_t cap = cl->outcap ? cl->outcap : 4096;
			char *n;

			while (cap < cl->outlen + len)
				cap *= 2;
			n = realloc(cl->out, cap);
			if (!n) {
				drop(cl);
				continue;
			}
			cl->out = n;
			cl->outcap = cap;
		}
		memcpy(cl->out + cl->outlen, line, len);
		cl->outlen += len;
		write_monitor(cl);
	}
}

unsigned int vq_ctl_monitors(const struct vq_ctl *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++)
		n += c->cl[i].fd >= 0 && c->cl[i].monitor;
	return n;
}

static void write_reply(struct vq_ctl_client *cl)
{
	ssize_t n = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
			 MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		drop(cl);
		return;
	}
	cl->outoff += n;
	if (cl->outoff == cl->outlen)
		drop(cl);
}

void vq_ctl_service(struct vq_ctl *c, const struct pollfd *p, int n,
		    uint64_t now_ms)
{
	int i, k;

	for (k = 0; k < n; k++) {
		if (!p[k].revents)
			continue;
		if (p[k].fd == c->fd) {
			accept_one(c, now_ms);
			continue;
		}
		for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++) {
			struct vq_ctl_client *cl = &c->cl[i];

			if (cl->fd != p[k].fd)
				continue;
			if (cl->monitor) {
				if (p[k].revents & POLLOUT)
					write_monitor(cl);
				else if (cl->fd >= 0)
					read_monitor(cl);
			} else if (cl->out) {
				write_reply(cl);
			}
			else if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
				read_req(c, cl);
			break;
		}
	}
	for (i = 0; i < VQ_CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && now_ms > c->cl[i].deadline_ms)
			drop(&c->cl[i]);
}
