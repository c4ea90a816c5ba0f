// SPDX-License-Identifier: GPL-2.0
/*
 * sipmsg: send or receive one text message over UDP or TCP (SIP mirroring
 * tests; stands in for socat/ncat, which the test hosts may lack).
 *
 *   sipmsg send --proto udp|tcp --dst ADDR:PORT [--src ADDR:PORT]
 *               --payload TEXT [--timeout S]
 *   sipmsg sink --proto udp|tcp --bind ADDR:PORT [--count N] [--timeout S]
 *               [--ready FILE] [--reply TEXT]
 *
 * send over TCP connects, writes the payload, shuts down its write side and
 * waits (bounded by --timeout, default 5 s) for the peer to close, printing
 * what the peer sent back ("reply PAYLOAD"). A TCP sink with --reply writes
 * TEXT back on each connection after the sender's FIN, then closes.
 * sink prints one line per message / connection: "recv FROM PAYLOAD" (payload
 * with control characters shown as '.'), stops after --count messages (default
 * 1) or --timeout seconds (default 10); exit 1 if fewer than --count arrived.
 */
#include "common.h"

#include <fcntl.h>
#include <getopt.h>
#include <netinet/tcp.h>
#include <poll.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: sipmsg send --proto udp|tcp --dst ADDR:PORT [--src ADDR:PORT] --payload TEXT [--timeout S]\n"
		"       sipmsg sink --proto udp|tcp --bind ADDR:PORT [--count N] [--timeout S] [--ready FILE]\n"
		"                   [--reply TEXT]\n");
	exit(2);
}

static void fmt_peer(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		snprintf(out, len, "%s:%u", host, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		snprintf(out, len, "[%s]:%u", host, ntohs(s->sin6_port));
	}
}

static void print_msg(const char *peer, const unsigned char *buf, size_t n)
{
	printf("recv %s ", peer);
	for (size_t i = 0; i < n; i++)
		putchar(buf[i] < 0x20 || buf[i] >= 0x7f ? '.' : buf[i]);
	putchar('\n');
	fflush(stdout);
}

/* Wait for fd to become readable/writable until deadline; 0 on timeout. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t now = now_ns();

		if (now >= deadline)
			return 0;
		struct pollfd pfd = { .fd = fd, .events = events };
		int r = poll(&pfd, 1, (int)((deadline - now + 999999) / 1000000));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll: %s", strerror(errno));
		if (r > 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "proto", required_argument, NULL, 'p' },
		{ "dst", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ "bind", required_argument, NULL, 'b' },
		{ "payload", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready", required_argument, NULL, 'r' },
		{ "reply", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct endpoint dst, src, bnd;
	bool have_dst = false, have_src = false, have_bind = false, tcp = false;
	const char *payload = NULL, *ready = NULL, *reply = NULL, *mode;
	unsigned long long want = 1;
	double timeout = 0;
	int c, one = 1;

	prog_name = "sipmsg";
	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!strcmp(optarg, "tcp"))
				tcp = true;
			else if (strcmp(optarg, "udp"))
				die("--proto is udp or tcp");
			break;
		case 'd': parse_endpoint(optarg, &dst, false); have_dst = true; break;
		case 's': parse_endpoint(optarg, &src, true); have_src = true; break;
		case 'b': parse_endpoint(optarg, &bnd, false); have_bind = true; break;
		case 'P': payload = optarg; break;
		case 'c': want = parse_u64("--count", optarg, 1000000); break;
		case 't': timeout = parse_seconds("--timeout", optarg, 600); break;
		case 'r': ready = optarg; break;
		case 'R': reply = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	if (!strcmp(mode, "send")) {
		if (!have_dst || !payload)
			usage();
		int64_t deadline = now_ns() + (int64_t)((timeout ? timeout : 5) * 1e9);
		int fd = socket(dst.family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

		if (fd < 0)
			die("socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (have_src && bind(fd, (struct sockaddr *)&src.ss, src.len))
			die("bind: %s", strerror(errno));
		if (!tcp) {
			if (sendto(fd, payload, strlen(payload), 0, (struct sockaddr *)&dst.ss,
				   dst.len) < 0)
				die("sendto: %s", strerror(errno));
			printf("sent udp bytes=%zu\n", strlen(payload));
			return 0;
		}
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (connect(fd, (struct sockaddr *)&dst.ss, dst.len) && errno != EINPROGRESS)
			die("connect: %s", strerror(errno));
		if (!wait_fd(fd, POLLOUT, deadline))
			die("connect: timed out");
		int err = 0;
		socklen_t elen = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err)
			die("connect: %s", strerror(err));
		size_t off = 0, len = strlen(payload);

		while (off < len) {
			if (!wait_fd(fd, POLLOUT, deadline))
				die("write: timed out");
			ssize_t n = write(fd, payload + off, len - off);

			if (n < 0 && errno != EAGAIN && errno != EINTR)
				die("write: %s", strerror(errno));
			if (n > 0)
				off += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		static unsigned char rbuf[65536];
		size_t rlen = 0;

		for (;;) {
			if (!wait_fd(fd, POLLIN, deadline))
				die("waiting for the peer to close: timed out");
			ssize_t n = read(fd, rbuf + rlen, sizeof(rbuf) - rlen);

			if (n == 0 || (n > 0 && (rlen += (size_t)n) == sizeof(rbuf)))
				break;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				die("read: %s", strerror(errno));
		}
		close(fd);
		printf("sent tcp bytes=%zu\n", len);
		if (rlen)
			print_msg("reply", rbuf, rlen);
		return 0;
	}

	if (strcmp(mode, "sink") || !have_bind)
		usage();
	int64_t deadline = now_ns() + (int64_t)((timeout ? timeout : 10) * 1e9);
	int fd = socket(bnd.family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	unsigned long long got = 0;
	static unsigned char buf[65536];
	char peer[80];

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&bnd.ss, bnd.len))
		die("bind: %s", strerror(errno));
	if (tcp && listen(fd, 16))
		die("listen: %s", strerror(errno));
	touch_ready(ready);
	while (got < want && wait_fd(fd, POLLIN, deadline)) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);

		if (!tcp) {
			ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
					     (struct sockaddr *)&from, &flen);

			if (n < 0)
				continue;
			fmt_peer(&from, peer, sizeof(peer));
			print_msg(peer, buf, (size_t)n);
			got++;
			continue;
		}
		int cfd = accept(fd, (struct sockaddr *)&from, &flen);
		size_t len = 0;

		if (cfd < 0)
			continue;
		fcntl(cfd, F_SETFL, O_NONBLOCK);
		while (len < sizeof(buf) && wait_fd(cfd, POLLIN, deadline)) {
			ssize_t n = read(cfd, buf + len, sizeof(buf) - len);

			if (n == 0)
				break;
			if (n > 0)
				len += (size_t)n;
			else if (errno != EAGAIN && errno != EINTR)
				break;
		}
		if (reply) {
			size_t off = 0, rl = strlen(reply);

			while (off < rl && wait_fd(cfd, POLLOUT, deadline)) {
				ssize_t n = write(cfd, reply + off, rl - off);

				if (n > 0)
					off += (size_t)n;
				else if (n < 0 && errno != EAGAIN && errno != EINTR)
					break;
			}
		}
		close(cfd);
		fmt_peer(&from, peer, sizeof(peer));
		print_msg(peer, buf, len);
		got++;
	}
	close(fd);
	return got < want ? 1 : 0;
}
