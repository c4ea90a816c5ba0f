// SPDX-License-Identifier: GPL-2.0
/*
 * rtpgen: send a paced RTP stream over UDP (IPv4 or IPv6).
 *
 *   rtpgen --dst ADDR:PORT [--src ADDR:PORT] (--pps N | --bitrate R)
 *          (--count N | --duration S) [--size BYTES] [--ssrc X] [--seq N]
 *          [--ts N] [--ts-step N] [--pt N] [--tos N] [--json]
 *
 * Packet i leaves at start + i / pps on CLOCK_MONOTONIC (clock_nanosleep with
 * TIMER_ABSTIME), so the average rate is exact even if single wakeups are late.
 * --size is the UDP payload (RTP header included); --bitrate counts whole IP
 * packets (IP + UDP + payload), the unit the kernel polices in. The run is
 * always bounded: by --count, by --duration, and by at most 3600 s.
 * Prints one line: sent packets=N bytes=IPBYTES payload_bytes=N errors=N
 * elapsed=SECONDS (first to last packet) pps=N src=ADDR:PORT.
 */
#include "common.h"

#include <getopt.h>
#include <math.h>

#define MAX_DURATION 3600.0

static void usage(void)
{
	fprintf(stderr,
		"usage: rtpgen --dst ADDR:PORT [--src ADDR:PORT] (--pps N | --bitrate R[k|m|g])\n"
		"              (--count N | --duration S) [--size BYTES] [--ssrc X] [--seq N]\n"
		"              [--ts N] [--ts-step N] [--pt N] [--tos N] [--json]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "pps", required_argument, NULL, 'p' },
		{ "bitrate", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'D' },
		{ "size", required_argument, NULL, 'S' },
		{ "ssrc", required_argument, NULL, 'x' },
		{ "seq", required_argument, NULL, 'q' },
		{ "ts", required_argument, NULL, 't' },
		{ "ts-step", required_argument, NULL, 'T' },
		{ "pt", required_argument, NULL, 'P' },
		{ "tos", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct endpoint src = { .family = 0 }, dst = { .family = 0 };
	unsigned long long count = 0, size = 172, ssrc = 0x12345678, seq = 0, ts = 0;
	unsigned long long ts_step = 160, pt = 0, tos = 0, bitrate = 0;
	double pps = 0, duration = 0;
	bool have_src = false, have_dst = false, have_tos = false, json = false;
	int c, fd;

	prog_name = "rtpgen";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': parse_endpoint(optarg, &src, true); have_src = true; break;
		case 'd': parse_endpoint(optarg, &dst, false); have_dst = true; break;
		case 'p': pps = (double)parse_u64("--pps", optarg, 1000000); break;
		case 'b': bitrate = parse_rate("--bitrate", optarg); break;
		case 'c': count = parse_u64("--count", optarg, 1ULL << 40); break;
		case 'D': duration = parse_seconds("--duration", optarg, MAX_DURATION); break;
		case 'S': size = parse_u64("--size", optarg, 65000); break;
		case 'x': ssrc = parse_u64("--ssrc", optarg, UINT32_MAX); break;
		case 'q': seq = parse_u64("--seq", optarg, UINT16_MAX); break;
		case 't': ts = parse_u64("--ts", optarg, UINT32_MAX); break;
		case 'T': ts_step = parse_u64("--ts-step", optarg, UINT32_MAX); break;
		case 'P': pt = parse_u64("--pt", optarg, 127); break;
		case 'o': tos = parse_u64("--tos", optarg, 255); have_tos = true; break;
		case 'j': json = true; break;
		default: usage();
		}
	}
	if (optind != argc || !have_dst)
		usage();
	if ((pps > 0) == (bitrate > 0))
		die("give exactly one of --pps and --bitrate");
	if (!count && !duration)
		die("give --count and/or --duration (the run is always bounded)");
	if (size < 12)
		die("--size must hold the 12-byte RTP header");
	if (have_src && src.family != dst.family)
		die("--src and --dst are of different families");

	int iplen = ip_header_len(dst.family) + 8 + (int)size;

	if (bitrate) {
		pps = (double)bitrate / (iplen * 8.0);
		if (pps <= 0 || pps > 1e6)
			die("--bitrate gives %g packets/s, outside 0..1e6", pps);
	}
	if (!duration)
		duration = MAX_DURATION;
	/* Packets whose send time start + i/pps falls inside the duration. */
	unsigned long long by_time = (unsigned long long)ceil(duration * pps - 1e-9);

	if (!count || by_time < count)
		count = by_time;

	fd = socket(dst.family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (have_src && bind(fd, (struct sockaddr *)&src.ss, src.len))
		die("bind: %s", strerror(errno));
	if (have_tos) {
		int v = (int)tos;
		int r = dst.family == AF_INET ?
			setsockopt(fd, IPPROTO_IP, IP_TOS, &v, sizeof(v)) :
			setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v));
		if (r)
			die("setting TOS: %s", strerror(errno));
	}

	unsigned char *pkt = calloc(1, size);

	if (!pkt)
		die("out of memory");
	for (size_t i = 12; i < size; i++)
		pkt[i] = (unsigned char)(0xd5 ^ i); /* something that is not all zero */

	unsigned long long sent = 0, errors = 0;
	int64_t start, first = 0, last = 0;
	uint32_t rtp_ts = (uint32_t)ts;
	uint16_t rtp_seq = (uint16_t)seq;

	start = now_ns() + 1000000; /* 1 ms from now */
	for (unsigned long long i = 0; i < count; i++) {
		int64_t when = start + (int64_t)llround((double)i * 1e9 / pps);

		sleep_until(when);
		pkt[0] = 0x80;			/* V=2, P=0, X=0, CC=0 */
		pkt[1] = (unsigned char)pt;	/* M=0 */
		pkt[2] = rtp_seq >> 8;
		pkt[3] = rtp_seq & 0xff;
		pkt[4] = rtp_ts >> 24;
		pkt[5] = (rtp_ts >> 16) & 0xff;
		pkt[6] = (rtp_ts >> 8) & 0xff;
		pkt[7] = rtp_ts & 0xff;
		pkt[8] = (ssrc >> 24) & 0xff;
		pkt[9] = (ssrc >> 16) & 0xff;
		pkt[10] = (ssrc >> 8) & 0xff;
		pkt[11] = ssrc & 0xff;
		if (sendto(fd, pkt, size, 0, (struct sockaddr *)&dst.ss, dst.len) < 0) {
			errors++;
		} else {
			if (!sent)
				first = now_ns();
			last = now_ns();
			sent++;
		}
		rtp_seq++;
		rtp_ts += (uint32_t)ts_step;
	}

	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int lport = 0;

	if (!getsockname(fd, (struct sockaddr *)&local, &llen)) {
		if (local.ss_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&local;

			inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
			lport = ntohs(s->sin_port);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&local;

			inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
			lport = ntohs(s->sin6_port);
		}
	}
	double elapsed = sent > 1 ? (double)(last - first) / 1e9 : 0;

	if (json)
		printf("{\"packets\":%llu,\"bytes\":%llu,\"payload_bytes\":%llu,\"errors\":%llu,"
		       "\"elapsed\":%.6f,\"pps\":%.3f,\"src\":\"%s\",\"src_port\":%u}\n",
		       sent, sent * (unsigned long long)iplen, sent * size, errors, elapsed, pps,
		       host, lport);
	else
		printf("sent packets=%llu bytes=%llu payload_bytes=%llu errors=%llu elapsed=%.6f pps=%.3f src=%s%s%s:%u\n",
		       sent, sent * (unsigned long long)iplen, sent * size, errors, elapsed, pps,
		       dst.family == AF_INET6 ? "[" : "", host,
		       dst.family == AF_INET6 ? "]" : "", lport);
	free(pkt);
	close(fd);
	return errors && !sent ? 1 : 0;
}
