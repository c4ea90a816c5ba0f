// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood: send UDP as fast as possible for a fixed time (benchmarks).
 *
 *   udpflood --dst ADDR:PORT [--src ADDR:PORT] --duration S [--size BYTES]
 *            [--ports N] [--batch N] [--tos N]
 *
 * Uses sendmmsg with --batch messages per call (default 64). --ports N spreads
 * the packets over destination ports PORT..PORT+N-1 (round robin), so one
 * flood can touch many flows. Never runs longer than --duration (at most
 * 600 s). Prints: sent packets=N bytes=IPBYTES errors=N elapsed=S pps=N
 */
#include "common.h"

#include <getopt.h>

#define MAX_BATCH 1024

static void usage(void)
{
	fprintf(stderr, "usage: udpflood --dst ADDR:PORT [--src ADDR:PORT] --duration S [--size BYTES]\n"
			"                [--ports N] [--batch N] [--tos N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "duration", required_argument, NULL, 'D' },
		{ "size", required_argument, NULL, 'S' },
		{ "ports", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'B' },
		{ "tos", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct endpoint src, dst;
	bool have_src = false, have_dst = false, have_tos = false;
	unsigned long long size = 172, ports = 1, batch = 64, tos = 0;
	double duration = 0;
	int c, fd;

	prog_name = "udpflood";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': parse_endpoint(optarg, &src, true); have_src = true; break;
		case 'd': parse_endpoint(optarg, &dst, false); have_dst = true; break;
		case 'D': duration = parse_seconds("--duration", optarg, 600); break;
		case 'S': size = parse_u64("--size", optarg, 65000); break;
		case 'p': ports = parse_u64("--ports", optarg, 65535); break;
		case 'B': batch = parse_u64("--batch", optarg, MAX_BATCH); break;
		case 'o': tos = parse_u64("--tos", optarg, 255); have_tos = true; break;
		default: usage();
		}
	}
	if (optind != argc || !have_dst || duration <= 0 || !batch || !ports)
		usage();
	if (endpoint_port(&dst) + ports - 1 > 65535)
		die("--ports runs past port 65535");
	if (have_src && src.family != dst.family)
		die("--src and --dst are of different families");

	fd = socket(dst.family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (have_src && bind(fd, (struct sockaddr *)&src.ss, src.len))
		die("bind: %s", strerror(errno));
	if (have_tos) {
		int v = (int)tos;

		if (dst.family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_TOS, &v, sizeof(v)) :
		    setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)))
			die("setting TOS: %s", strerror(errno));
	}

	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iovs[MAX_BATCH];
	static struct sockaddr_storage dsts[MAX_BATCH];
	unsigned char *payload = calloc(1, size ? size : 1);

	if (!payload)
		die("out of memory");
	payload[0] = 0x80;
	for (unsigned long long i = 0; i < batch; i++) {
		iovs[i].iov_base = payload;
		iovs[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dsts[i];
		msgs[i].msg_hdr.msg_namelen = dst.len;
	}

	unsigned long long sent = 0, errors = 0, next_port = 0;
	uint16_t base = endpoint_port(&dst);
	int64_t start = now_ns(), end = start + (int64_t)(duration * 1e9), now = start;

	while ((now = now_ns()) < end) {
		for (unsigned long long i = 0; i < batch; i++) {
			uint16_t port = (uint16_t)(base + next_port);

			next_port = (next_port + 1) % ports;
			dsts[i] = dst.ss;
			if (dst.family == AF_INET)
				((struct sockaddr_in *)&dsts[i])->sin_port = htons(port);
			else
				((struct sockaddr_in6 *)&dsts[i])->sin6_port = htons(port);
		}
		int r = sendmmsg(fd, msgs, (unsigned int)batch, 0);

		if (r < 0) {
			errors++;
			if (errno != ENOBUFS && errno != EAGAIN && errno != EPERM &&
			    errno != ECONNREFUSED && errno != EINTR)
				die("sendmmsg: %s", strerror(errno));
			continue;
		}
		sent += (unsigned long long)r;
	}

	double elapsed = (double)(now - start) / 1e9;
	int iplen = ip_header_len(dst.family) + 8 + (int)size;

	printf("sent packets=%llu bytes=%llu errors=%llu elapsed=%.6f pps=%.0f\n", sent,
	       sent * (unsigned long long)iplen, errors, elapsed, elapsed > 0 ? sent / elapsed : 0);
	free(payload);
	close(fd);
	return 0;
}
