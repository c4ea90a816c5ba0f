// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: request parsing, and the non-blocking server driven
 * the way the daemon's poll loop drives it, with a real unix socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
