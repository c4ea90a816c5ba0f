// SPDX-License-Identifier: GPL-2.0
/*
 * invflood: send distinct SIP INVITEs (each a new dialog with its own SDP
 * offer) over UDP at a paced rate, for the agent's flood tests.
 *
 *   invflood --dst ADDR:PORT --src ADDR:PORT --rate N (--count N | --duration S)
 *            [--first N] [--tag WORD] [--media N]
 *
 * INVITE number i (from --first, default 0) has Call-ID WORD-i@SRCADDR
 * (WORD defaults to "flood"), its own From tag and Via branch, and an SDP
 * offer of --media m=audio lines (1-16, default 1; 16 is the most the agent
 * keeps, the costliest offer to store) for G.711 at ports from
 * 10000 + 32 * (i % 1700) on. Nobody is meant to
 * answer. Message i is due at start + i / rate on CLOCK_MONOTONIC; the
 * messages due at a wakeup go out in one sendmmsg (at most 64), so the
 * average rate holds even when single wakeups are late. Always bounded:
 * by --count, by --duration, and by at most 600 s.
 * Prints one line: sent invites=N errors=N first=I last=I elapsed=S rate=R.
 */
#include "common.h"

#include <getopt.h>

#define BATCH 64
#define MSG_MAX 4096
#define MEDIA_MAX 16

static void usage(void)
{
	fprintf(stderr,
		"usage: invflood --dst ADDR:PORT --src ADDR:PORT --rate N (--count N | --duration S)\n"
		"                [--first N] [--tag WORD] [--media N]\n");
	exit(2);
}

static void addr_str(const struct endpoint *ep, char *out, size_t len)
{
	const void *a = ep->family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)&ep->ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)&ep->ss)->sin6_addr;

	inet_ntop(ep->family, a, out, (socklen_t)len);
}

/* One INVITE with its SDP; returns its length. */
static int build(char *buf, unsigned long long i, const char *tag, const char *src,
		 unsigned int sport, const char *dst, unsigned int dport, bool v6,
		 unsigned int media)
{
	char sdp[MSG_MAX / 2], host_s[INET6_ADDRSTRLEN + 2], host_d[INET6_ADDRSTRLEN + 2];
	int n;

	snprintf(host_s, sizeof(host_s), v6 ? "[%s]" : "%s", src);
	snprintf(host_d, sizeof(host_d), v6 ? "[%s]" : "%s", dst);
	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=- %llu 1 IN IP%c %s\r\ns=-\r\nc=IN IP%c %s\r\nt=0 0\r\n",
		     i, v6 ? '6' : '4', src, v6 ? '6' : '4', src);
	/* The first line in full, the others as short as SDP allows: 16 of them
	 * still fit in one unfragmented UDP datagram (the module does not copy
	 * IP fragments, and RFC 3261 18.1.1 moves larger requests to TCP). */
	n += snprintf(sdp + n, sizeof(sdp) - (size_t)n,
		      "m=audio %llu RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
		      "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n",
		      10000 + 32 * (i % 1700));
	for (unsigned int m = 1; m < media; m++)
		n += snprintf(sdp + n, sizeof(sdp) - (size_t)n, "m=audio %llu RTP/AVP 0\r\n",
			      10000 + 32 * (i % 1700) + 2 * m);
	return snprintf(buf, MSG_MAX,
			"INVITE sip:%llu@%s:%u SIP/2.0\r\n"
			"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-%s-%llu;rport\r\n"
			"Max-Forwards: 70\r\n"
			"From: <sip:flood@%s>;tag=%s%llu\r\n"
			"To: <sip:%llu@%s>\r\n"
			"Call-ID: %s-%llu@%s\r\n"
			"CSeq: 1 INVITE\r\n"
			"Contact: <sip:flood@%s:%u>\r\n"
			"Content-Type: application/sdp\r\n"
			"Content-Length: %d\r\n\r\n%s",
			i, host_d, dport, host_s, sport, tag, i, host_s, tag, i, i, host_d,
			tag, i, src, host_s, sport, n, sdp);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'D' },
		{ "first", required_argument, NULL, 'f' },
		{ "tag", required_argument, NULL, 't' },
		{ "media", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char bufs[BATCH][MSG_MAX];
	static struct mmsghdr msgs[BATCH];
	static struct iovec iovs[BATCH];
	struct endpoint src, dst;
	bool have_src = false, have_dst = false;
	unsigned long long rate = 0, count = 0, first = 0, sent = 0, errors = 0, media = 1;
	double duration = 600;
	const char *tag = "flood";
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	int c, fd;

	prog_name = "invflood";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': parse_endpoint(optarg, &src, false); have_src = true; break;
		case 'd': parse_endpoint(optarg, &dst, false); have_dst = true; break;
		case 'r': rate = parse_u64("--rate", optarg, 1000000); break;
		case 'c': count = parse_u64("--count", optarg, 1ULL << 32); break;
		case 'D': duration = parse_seconds("--duration", optarg, 600); break;
		case 'f': first = parse_u64("--first", optarg, 1ULL << 40); break;
		case 't':
			tag = optarg;
			if (!*tag || strlen(tag) > 32 || strpbrk(tag, " \t\r\n;@<>\""))
				die("--tag: 1-32 characters, no blanks or SIP delimiters");
			break;
		case 'm': media = parse_u64("--media", optarg, MEDIA_MAX); break;
		default: usage();
		}
	}
	if (optind != argc || !media || !have_src || !have_dst || !rate)
		usage();
	if (src.family != dst.family)
		die("--src and --dst are of different families");
	addr_str(&src, sa, sizeof(sa));
	addr_str(&dst, da, sizeof(da));

	fd = socket(dst.family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&src.ss, src.len))
		die("bind: %s", strerror(errno));
	for (int i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst.ss;
		msgs[i].msg_hdr.msg_namelen = dst.len;
	}

	int64_t start = now_ns(), end = start + (int64_t)(duration * 1e9), now = start;
	unsigned long long next = 0;	/* index (from first) of the next INVITE */

	while ((!count || next < count) && (now = now_ns()) < end) {
		/* How many are due by now, at most a batch and the count. */
		unsigned long long due = (unsigned long long)((double)(now - start) * rate / 1e9) + 1;
		unsigned int n = 0;

		if (count && due > count)
			due = count;
		while (next + n < due && n < BATCH) {
			int len = build(bufs[n], first + next + n, tag, sa, endpoint_port(&src), da,
					endpoint_port(&dst), dst.family == AF_INET6,
					(unsigned int)media);

			iovs[n].iov_len = (size_t)len;
			n++;
		}
		if (!n) {
			sleep_until(start + (int64_t)((double)next * 1e9 / rate));
			continue;
		}
		int r = sendmmsg(fd, msgs, n, 0);

		if (r < 0) {
			errors++;
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED &&
			    errno != EINTR)
				die("sendmmsg: %s", strerror(errno));
			continue;
		}
		next += (unsigned long long)r;
		sent += (unsigned long long)r;
	}

	double elapsed = (double)(now_ns() - start) / 1e9;

	printf("sent invites=%llu errors=%llu first=%llu last=%lld elapsed=%.3f rate=%.0f\n",
	       sent, errors, first, (long long)(first + sent) - 1, elapsed,
	       elapsed > 0 ? sent / elapsed : 0);
	close(fd);
	return 0;
}
