// SPDX-License-Identifier: GPL-2.0
/*
 * rtprecv: count UDP (RTP) packets and the DSCP each one carried on the wire.
 *
 *   rtprecv --bind ADDR:PORT [--count N] [--timeout S] [--idle S]
 *           [--ready FILE] [--json]
 *
 * Stops after --count packets, --timeout seconds in all (default 10, at most
 * 600), or --idle seconds without a packet once the first one arrived. The
 * TOS / traffic class of each packet comes from IP_RECVTOS / IPV6_RECVTCLASS.
 * --ready FILE is created once the socket is bound.
 * Output (text):
 *   received packets=N bytes=N seq_lost=N reordered=N
 *   dscp=46 count=N          (one line per DSCP seen, ascending)
 * or one JSON object with --json:
 *   {"packets":N,"bytes":N,"seq_lost":N,"reordered":N,"dscp":{"46":N}}
 * Exit status 1 if --count was given and not reached, else 0.
 */
#include "common.h"

#include <getopt.h>
#include <poll.h>

static void usage(void)
{
	fprintf(stderr, "usage: rtprecv --bind ADDR:PORT [--count N] [--timeout S] [--idle S]\n"
			"               [--ready FILE] [--json]\n");
	exit(2);
}

static int tos_from_cmsg(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
			return *(unsigned char *)CMSG_DATA(c);
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
			int v;

			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v & 0xff;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "idle", required_argument, NULL, 'i' },
		{ "ready", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct endpoint ep;
	bool have_bind = false, json = false;
	unsigned long long want = 0;
	double timeout = 10, idle = 0;
	const char *ready = NULL;
	int c, fd, one = 1;

	prog_name = "rtprecv";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': parse_endpoint(optarg, &ep, false); have_bind = true; break;
		case 'c': want = parse_u64("--count", optarg, 1ULL << 40); break;
		case 't': timeout = parse_seconds("--timeout", optarg, 600); break;
		case 'i': idle = parse_seconds("--idle", optarg, 600); break;
		case 'r': ready = optarg; break;
		case 'j': json = true; break;
		default: usage();
		}
	}
	if (optind != argc || !have_bind)
		usage();

	fd = socket(ep.family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)) && ep.family == AF_INET)
		die("IP_RECVTOS: %s", strerror(errno));
	if (ep.family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one)))
		die("IPV6_RECVTCLASS: %s", strerror(errno));
	int rcvbuf = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&ep.ss, ep.len))
		die("bind: %s", strerror(errno));
	touch_ready(ready);

	unsigned long long hist[64] = { 0 }, notos = 0, packets = 0, bytes = 0;
	unsigned long long reordered = 0, rtp = 0;
	uint32_t ext_first = 0, ext_max = 0;
	unsigned char buf[65536];
	char cbuf[256];
	int64_t deadline = now_ns() + (int64_t)(timeout * 1e9), last = 0;

	for (;;) {
		int64_t now = now_ns(), until = deadline;

		if (want && packets >= want)
			break;
		if (idle > 0 && packets && last + (int64_t)(idle * 1e9) < until)
			until = last + (int64_t)(idle * 1e9);
		if (now >= until)
			break;

		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ms = (int)((until - now + 999999) / 1000000);
		int r = poll(&pfd, 1, ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll: %s", strerror(errno));
		if (!r)
			continue;

		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvmsg: %s", strerror(errno));
		}
		last = now_ns();
		packets++;
		bytes += (unsigned long long)n;
		int tos = tos_from_cmsg(&msg);

		if (tos < 0)
			notos++;
		else
			hist[tos >> 2]++;
		if (n >= 12 && (buf[0] & 0xc0) == 0x80) {
			uint16_t seq = (uint16_t)(buf[2] << 8 | buf[3]);

			if (!rtp++) {
				ext_first = ext_max = seq;
			} else {
				/* extend relative to the highest so far (RFC 3550 A.1 style) */
				uint16_t delta = (uint16_t)(seq - (uint16_t)ext_max);

				if (delta < 0x8000)
					ext_max += delta;
				else
					reordered++;
			}
		}
	}

	unsigned long long expected = rtp ? (unsigned long long)(ext_max - ext_first) + 1 : 0;
	unsigned long long seq_lost = expected > rtp ? expected - rtp : 0;

	if (json) {
		printf("{\"packets\":%llu,\"bytes\":%llu,\"seq_lost\":%llu,\"reordered\":%llu,"
		       "\"no_tos\":%llu,\"dscp\":{", packets, bytes, seq_lost, reordered, notos);
		const char *sep = "";

		for (int i = 0; i < 64; i++) {
			if (!hist[i])
				continue;
			printf("%s\"%d\":%llu", sep, i, hist[i]);
			sep = ",";
		}
		printf("}}\n");
	} else {
		printf("received packets=%llu bytes=%llu seq_lost=%llu reordered=%llu\n",
		       packets, bytes, seq_lost, reordered);
		for (int i = 0; i < 64; i++)
			if (hist[i])
				printf("dscp=%d count=%llu\n", i, hist[i]);
		if (notos)
			printf("dscp=? count=%llu\n", notos);
	}
	close(fd);
	return want && packets < want ? 1 : 0;
}
