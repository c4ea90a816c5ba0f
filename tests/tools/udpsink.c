// SPDX-License-Identifier: GPL-2.0
/*
 * udpsink: count UDP packets (benchmark receiver).
 *
 *   udpsink --bind ADDR:PORT [--duration S] [--idle S] [--ready FILE]
 *
 * Receives with recvmmsg until --duration seconds in all (default 10, at most
 * 600) or --idle seconds without a packet once the first one arrived.
 * Prints: received packets=N bytes=N elapsed=S pps=N, where elapsed runs from
 * the first to the last packet and pps = packets / elapsed.
 */
#include "common.h"

#include <getopt.h>
#include <poll.h>

#define BATCH 256
#define BUFSZ 2048

static void usage(void)
{
	fprintf(stderr, "usage: udpsink --bind ADDR:PORT [--duration S] [--idle S] [--ready FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'D' },
		{ "idle", required_argument, NULL, 'i' },
		{ "ready", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct endpoint ep;
	bool have_bind = false;
	double duration = 10, idle = 0;
	const char *ready = NULL;
	int c, fd, one = 1;

	prog_name = "udpsink";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': parse_endpoint(optarg, &ep, false); have_bind = true; break;
		case 'D': duration = parse_seconds("--duration", optarg, 600); break;
		case 'i': idle = parse_seconds("--idle", optarg, 600); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !have_bind)
		usage();

	fd = socket(ep.family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	int rcvbuf = 8 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&ep.ss, ep.len))
		die("bind: %s", strerror(errno));
	touch_ready(ready);

	static struct mmsghdr msgs[BATCH];
	static struct iovec iovs[BATCH];
	static unsigned char bufs[BATCH][BUFSZ];

	for (int i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = BUFSZ;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	unsigned long long packets = 0, bytes = 0;
	int64_t deadline = now_ns() + (int64_t)(duration * 1e9), first = 0, last = 0;

	for (;;) {
		int64_t now = now_ns(), until = deadline;

		if (idle > 0 && packets && last + (int64_t)(idle * 1e9) < until)
			until = last + (int64_t)(idle * 1e9);
		if (now >= until)
			break;

		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, (int)((until - now + 999999) / 1000000));

		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		r = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvmmsg: %s", strerror(errno));
		}
		last = now_ns();
		if (!packets)
			first = last;
		packets += (unsigned long long)r;
		for (int i = 0; i < r; i++)
			bytes += msgs[i].msg_len;
	}

	double elapsed = (double)(last - first) / 1e9;

	printf("received packets=%llu bytes=%llu elapsed=%.6f pps=%.0f\n", packets, bytes,
	       elapsed, elapsed > 0 ? packets / elapsed : 0);
	close(fd);
	return 0;
}
