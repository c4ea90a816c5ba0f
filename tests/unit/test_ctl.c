// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: request parsing, and the non-blocking server driven
 * the way the daemon's poll loop drives it, with a real unix socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl.h"
#include "test.h"

static void parse_case(const char *name, const char *in, enum vq_ctl_req want,
		       bool want_complete)
{
	bool complete;
	enum vq_ctl_req r = vq_ctl_parse(in, strlen(in), &complete);

	t_check(r == want && complete == want_complete, name,
		"'%s': got req %d complete %d, want %d %d", in, r, complete, want,
		want_complete);
}

static int calls_seen;

static int handler(void *ctx, enum vq_ctl_req req, FILE *out)
{
	(void)ctx;
	if (req == VQ_CTL_STATUS)
		return -EIO;
	calls_seen++;
	fprintf(out, "{\"req\":%d}\n", req);
	return 0;
}

/* Runs the server until the client's reply is complete (or 200 rounds). */
static char *ask(struct vq_ctl *c, const char *path, const char *req, size_t reqlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char buf[512];
	size_t len = 0;
	int fd, i;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (reqlen && write(fd, req, reqlen) != (ssize_t)reqlen) {
		close(fd);
		return NULL;
	}
	if (reqlen && req[reqlen - 1] != '\n')
		shutdown(fd, SHUT_WR);
	for (i = 0; i < 200; i++) {
		struct pollfd p[1 + VQ_CTL_MAX_CLIENTS];
		int n = vq_ctl_pollfds(c, p);
		ssize_t r;

		poll(p, n, 10);
		vq_ctl_service(c, p, n, 0);
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r == 0)
			break;
		if (r > 0)
			len += r;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void serve(struct vq_ctl *c, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		struct pollfd p[1 + VQ_CTL_MAX_CLIENTS];
		int n = vq_ctl_pollfds(c, p);

		poll(p, n, 1);
		vq_ctl_service(c, p, n, 0);
	}
}

/* Events to several monitor clients; one that never reads is dropped. */
static void monitor(struct vq_ctl *c, const char *path)
{
	static const char line[] = "{\"event\":\"call_admitted\",\"call_id\":\"a\"}\n";
	char buf[4096], big[1000];
	int fast = connect_to(path), slow = connect_to(path), i, rcv = 4096;
	size_t got = 0, want;
	ssize_t r;

	if (!t_check(fast >= 0 && slow >= 0, "ctl_monitor_connect", "%s", strerror(errno)))
		goto out;
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (write(fast, "monitor\n", 8) != 8 || write(slow, "monitor\n", 8) != 8)
		goto out;
	for (i = 0; i < 100 && vq_ctl_monitors(c) < 2; i++)
		serve(c, 1);
	t_check(vq_ctl_monitors(c) == 2, "ctl_monitor_two_clients", "%u",
		vq_ctl_monitors(c));
	vq_ctl_broadcast(c, line, sizeof(line) - 1, "x\n", 2);
	for (i = 0; i < 100 && got < sizeof(line) - 1; i++) {
		serve(c, 1);
		r = read(fast, buf + got, sizeof(buf) - got);
		if (r > 0)
			got += r;
	}
	t_check(got == sizeof(line) - 1 && !memcmp(buf, line, got), "ctl_monitor_line",
		"%zu bytes '%.*s'", got, (int)got, buf);
	r = read(slow, buf, sizeof(buf));
	t_check(r == (ssize_t)sizeof(line) - 1, "ctl_monitor_line_second_client",
		"%zd bytes", r);

	/* the slow one stops reading: dropped once its queue is full, the
	 * fast one keeps getting every line */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	want = 0;
	got = 0;
	for (i = 0; i < 1000 && vq_ctl_monitors(c) == 2; i++) {
		vq_ctl_broadcast(c, big, sizeof(big), big, sizeof(big));
		want += sizeof(big);
		serve(c, 1);
		while ((r = read(fast, buf, sizeof(buf))) > 0)
			got += r;
	}
	t_check(vq_ctl_monitors(c) == 1 && c->monitor_dropped == 1,
		"ctl_monitor_slow_client_dropped", "%u monitors after %d lines",
		vq_ctl_monitors(c), i);
	for (i = 0; i < 100 && got < want; i++) {
		serve(c, 1);
		while ((r = read(fast, buf, sizeof(buf))) > 0)
			got += r;
	}
	t_check(got == want, "ctl_monitor_fast_client_kept", "%zu of %zu bytes", got, want);
	/* a client that goes away is forgotten */
	close(fast);
	fast = -1;
	for (i = 0; i < 100 && vq_ctl_monitors(c); i++)
		serve(c, 1);
	t_check(vq_ctl_monitors(c) == 0, "ctl_monitor_client_left", "%u", vq_ctl_monitors(c));
out:
	if (fast >= 0)
		close(fast);
	if (slow >= 0)
		close(slow);
}

T_SUITE(ctl)
{
	char dir[] = "/tmp/vq-ctl-XXXXXX", path[64], err[256];
	struct vq_ctl c, c2;
	struct stat st;
	const char *r;
	int rc;

	parse_case("ctl_parse_calls", "calls\n", VQ_CTL_CALLS, true);
	parse_case("ctl_parse_calls_crlf", "calls\r\n", VQ_CTL_CALLS, true);
	parse_case("ctl_parse_calls_text", "calls text\n", VQ_CTL_CALLS_TEXT, true);
	parse_case("ctl_parse_status", "status\n", VQ_CTL_STATUS, true);
	parse_case("ctl_parse_monitor", "monitor\n", VQ_CTL_MONITOR, true);
	parse_case("ctl_parse_monitor_text", "monitor text\n", VQ_CTL_MONITOR_TEXT, true);
	parse_case("ctl_parse_status_text", "status text\n", VQ_CTL_STATUS_TEXT, true);
	parse_case("ctl_parse_incomplete", "cal", VQ_CTL_BAD, false);
	parse_case("ctl_parse_unknown", "flush\n", VQ_CTL_BAD, true);
	parse_case("ctl_parse_prefix", "callsx\n", VQ_CTL_BAD, true);
	parse_case("ctl_parse_trailing_space", "calls \n", VQ_CTL_BAD, true);
	parse_case("ctl_parse_empty", "\n", VQ_CTL_BAD, true);
	{
		bool complete;
		static const char nul[] = "calls\0x\n";

		t_check(vq_ctl_parse(nul, sizeof(nul) - 1, &complete) == VQ_CTL_BAD,
			"ctl_parse_nul", "a NUL inside the line must not match");
	}

	if (!mkdtemp(dir)) {
		t_check(false, "ctl_server_tmpdir", "mkdtemp: %s", strerror(errno));
		return;
	}
	/* The socket directory does not exist yet: the server creates it 0750. */
	snprintf(path, sizeof(path), "%s/run/ctl.sock", dir);
	rc = vq_ctl_open(&c, path, handler, NULL, err, sizeof(err));
	t_check(rc == 0, "ctl_open", "%s", err);
	if (rc)
		return;
	snprintf(err, sizeof(err), "%s/run", dir);
	t_check(stat(err, &st) == 0 && (st.st_mode & 0777) == 0750, "ctl_dir_mode",
		"mode %o", st.st_mode & 0777);
	t_check(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		(st.st_mode & 0777) == 0600, "ctl_socket_mode", "mode %o",
		st.st_mode & 0777);

	rc = vq_ctl_open(&c2, path, handler, NULL, err, sizeof(err));
	t_check(rc == -EADDRINUSE && strstr(err, "another voiceqosd"),
		"ctl_second_daemon_refused", "rc=%d err=%s", rc, err);

	r = ask(&c, path, "calls\n", 6);
	if (geteuid() != 0) {
		t_check(r && strstr(r, "permission denied"), "ctl_non_root_refused",
			"reply '%s'", r ? r : "(none)");
	} else {
		t_check(r && strcmp(r, "{\"req\":1}\n") == 0, "ctl_calls_reply",
			"reply '%s'", r ? r : "(none)");
		r = ask(&c, path, "calls text", 10);
		t_check(r && strcmp(r, "{\"req\":2}\n") == 0, "ctl_request_without_newline",
			"reply '%s'", r ? r : "(none)");
		r = ask(&c, path, "nonsense\n", 9);
		t_check(r && strstr(r, "\"error\":\"unknown request"), "ctl_unknown_request",
			"reply '%s'", r ? r : "(none)");
		r = ask(&c, path, "status\n", 7);
		t_check(r && strstr(r, "could not build"), "ctl_handler_failure",
			"reply '%s'", r ? r : "(none)");
		{
			char big[VQ_CTL_LINE_MAX + 10];

			memset(big, 'x', sizeof(big));
			r = ask(&c, path, big, sizeof(big));
			t_check(r && strstr(r, "unknown request"), "ctl_overlong_request",
				"reply '%s'", r ? r : "(none)");
		}
		t_check(c.served == 5 && calls_seen == 2, "ctl_served_count",
			"served %lu, handler ran %d", (unsigned long)c.served, calls_seen);
		monitor(&c, path);
	}
	vq_ctl_close(&c);
	t_check(access(path, F_OK) < 0, "ctl_close_unlinks", "%s still exists", path);

	/* A stale socket file (daemon killed) is replaced, not a failure. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		rc = vq_ctl_open(&c, path, handler, NULL, err, sizeof(err));
		t_check(rc == 0, "ctl_stale_socket_replaced", "rc=%d %s", rc, err);
		if (rc == 0)
			vq_ctl_close(&c);
	}
	snprintf(err, sizeof(err), "%s/run", dir);
	rmdir(err);
	rmdir(dir);

	rc = vq_ctl_open(&c, "/tmp/this/path/is/much/too/long/for/a/unix/socket/address/"
			 "because/sun_path/has/only/108/bytes/in/it/xxxxxxxxxxxxxx",
			 handler, NULL, err, sizeof(err));
	t_check(rc == -ENAMETOOLONG && strstr(err, "too long"), "ctl_path_too_long",
		"rc=%d %s", rc, err);
}
