// SPDX-License-Identifier: GPL-2.0
/*
 * rtpq: RTP quality from two packet captures of the same traffic, one taken
 * where the streams leave and one where they arrive (in either order, and both
 * directions may be mixed in one file: lan and wan captures each hold the
 * streams they send and the streams they receive).
 *
 *   rtpq [--series FILE] [--ports LO-HI] CAPTURE_A.pcap CAPTURE_B.pcap
 *
 * A stream is (src, dst, src port, dst port, SSRC); a new SSRC on the same
 * ports is a new stream. Packets are matched across the captures by SSRC and
 * extended sequence number. Of the two captures, the one that saw a packet
 * first is the sending side (a packet cannot arrive before it left; both
 * captures must share one clock, as namespaces of one machine do); a stream
 * seen in one capture only was sent there and lost entirely.
 *
 * Output: one JSON object per stream and line,
 *   {"src":"A:P","dst":"B:Q","ssrc":N,"pt":N,"sent":N,"received":N,"lost":N,
 *    "loss_pct":F,"duplicates":N,"reordered":N,"delay_p50_ms":F,"delay_p99_ms":F,
 *    "delay_mean_ms":F,"delay_max_ms":F,"jitter_ms":F,"mos":F,"first":T,"last":T,
 *    "lost_tail":N}
 * with sent = distinct sequence numbers in the sending capture, received = those
 * of them seen at the other end (duplicates and packets the sender never sent
 * are not counted), jitter = RFC 3550 interarrival jitter at the receiver
 * (in arrival order, first copies only, RTP clock by payload type), and MOS by
 * the simplified E-model (agent/quality.c) from the mean one-way delay, that
 * jitter and the loss. first/last: epoch seconds of the first and last packet
 * sent. --series FILE adds one line per received packet: "EPOCH_SENT DELAY_MS
 * STREAM_INDEX" (the index is the stream's line number in the output, from 0).
 * lost_tail: how many of the lost packets came after the last one received (a
 * receiving capture stopped too early loses exactly those; a queue does not).
 * Exit status: 0, or 2 on unreadable input.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "quality.h"

struct rtpq_pkt {
	int64_t ext_seq;	/* sequence number extended over wraps */
	uint32_t rtp_ts;
	int64_t t_ns;		/* capture time */
	uint32_t order;		/* position in its capture (arrival order) */
	bool dup;		/* a later copy of a sequence number already seen */
	bool unsent;		/* not in the sending capture */
};

struct rtpq_side {
	struct rtpq_pkt *p;
	size_t n, cap;
	int64_t max_seq;	/* highest extended sequence so far, -1 before the first */
};

struct rtpq_stream {
	uint8_t src[16], dst[16];
	int family;
	uint16_t sport, dport;
	uint32_t ssrc;
	uint8_t pt;
	int64_t ref_seq;	/* extended sequence of the first packet in either capture */
	struct rtpq_side side[2];	/* per capture */
};

static struct rtpq_stream *streams;
static size_t n_streams, cap_streams;
static unsigned int port_lo, port_hi = 65535;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "rtpq: out of memory\n");
		exit(2);
	}
	return p;
}

static struct rtpq_stream *stream_get(int family, const uint8_t *src, const uint8_t *dst,
				      uint16_t sport, uint16_t dport, uint32_t ssrc)
{
	size_t alen = family == 4 ? 4 : 16, i;
	struct rtpq_stream *s;

	for (i = 0; i < n_streams; i++) {
		s = &streams[i];
		if (s->family == family && s->sport == sport && s->dport == dport &&
		    s->ssrc == ssrc && !memcmp(s->src, src, alen) && !memcmp(s->dst, dst, alen))
			return s;
	}
	if (n_streams == cap_streams) {
		cap_streams = cap_streams ? 2 * cap_streams : 16;
		streams = xrealloc(streams, cap_streams * sizeof(*streams));
	}
	s = &streams[n_streams++];
	memset(s, 0, sizeof(*s));
	s->family = family;
	memcpy(s->src, src, alen);
	memcpy(s->dst, dst, alen);
	s->sport = sport;
	s->dport = dport;
	s->ssrc = ssrc;
	s->side[0].max_seq = -1;
	s->side[1].max_seq = -1;
	s->ref_seq = -1;
	return s;
}

/* The extended sequence nearest to the highest one seen so far (RFC 3550 A.1 idea). */
static int64_t extend_seq(int64_t max_seq, uint16_t seq)
{
	int64_t base, cand;

	base = max_seq & ~(int64_t)0xffff;
	cand = base | seq;
	if (cand - max_seq > 32768)
		cand -= 65536;
	else if (max_seq - cand > 32768)
		cand += 65536;
	return cand;
}

static void side_add(struct rtpq_stream *s, int which, uint16_t seq, uint32_t rtp_ts,
		     int64_t t_ns)
{
	struct rtpq_side *sd = &s->side[which];
	struct rtpq_pkt *p;

	if (sd->n == sd->cap) {
		sd->cap = sd->cap ? 2 * sd->cap : 256;
		sd->p = xrealloc(sd->p, sd->cap * sizeof(*sd->p));
	}
	p = &sd->p[sd->n];
	/*
	 * Both captures extend from the same reference, so a receiver that lost
	 * the packets before a wrap still numbers the rest like the sender. The
	 * reference starts one cycle up: room below it for reordering.
	 */
	if (s->ref_seq < 0)
		s->ref_seq = (int64_t)seq + 65536;
	p->ext_seq = extend_seq(sd->max_seq < 0 ? s->ref_seq : sd->max_seq, seq);
	p->rtp_ts = rtp_ts;
	p->t_ns = t_ns;
	p->order = (uint32_t)sd->n;
	p->dup = false;
	p->unsent = false;
	sd->n++;
	if (p->ext_seq > sd->max_seq)
		sd->max_seq = p->ext_seq;
}

/* One frame: Ethernet (with VLAN tags), Linux cooked, or raw IP. */
static void packet(int which, int dlt, const struct pcap_pkthdr *h, const uint8_t *b,
		   bool nano)
{
	size_t len = h->caplen, off = 0, ihl;
	uint16_t etype;
	const uint8_t *ip, *udp, *rtp;
	int family;
	uint8_t src[16] = { 0 }, dst[16] = { 0 };
	uint16_t sport, dport, ulen;
	size_t rlen, hdr;
	struct rtpq_stream *s;
	int64_t t_ns;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return;
		etype = (uint16_t)(b[12] << 8 | b[13]);
		off = 14;
		while ((etype == 0x8100 || etype == 0x88a8) && len >= off + 4) {
			etype = (uint16_t)(b[off + 2] << 8 | b[off + 3]);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return;
		etype = (uint16_t)(b[14] << 8 | b[15]);
		off = 16;
		break;
	case DLT_RAW:
		if (len < 1)
			return;
		etype = (b[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	default:
		return;
	}
	ip = b + off;
	len -= off;
	if (etype == 0x0800) {
		if (len < 20 || (ip[0] >> 4) != 4)
			return;
		ihl = (size_t)(ip[0] & 15) * 4;
		/* Fragments other than the first carry no UDP header. */
		if (ip[9] != 17 || ihl < 20 || len < ihl + 8 || ((ip[6] & 0x1f) | ip[7]))
			return;
		family = 4;
		memcpy(src, ip + 12, 4);
		memcpy(dst, ip + 16, 4);
		udp = ip + ihl;
		len -= ihl;
	} else if (etype == 0x86dd) {
		/* Extension headers are not followed: RTP does not use them. */
		if (len < 48 || (ip[0] >> 4) != 6 || ip[6] != 17)
			return;
		family = 6;
		memcpy(src, ip + 8, 16);
		memcpy(dst, ip + 24, 16);
		udp = ip + 40;
		len -= 40;
	} else {
		return;
	}
	sport = (uint16_t)(udp[0] << 8 | udp[1]);
	dport = (uint16_t)(udp[2] << 8 | udp[3]);
	ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	if (dport < port_lo || dport > port_hi || ulen < 8 + 12)
		return;
	rtp = udp + 8;
	rlen = len - 8;
	if (rlen < 12 || (rtp[0] >> 6) != 2)
		return;
	/* RTCP shares the version bits; its packet types are 200..204 (RFC 5761). */
	if (rtp[1] >= 200 && rtp[1] <= 204)
		return;
	hdr = 12 + (size_t)(rtp[0] & 15) * 4;
	if (ulen < 8 + hdr)
		return;
	s = stream_get(family, src, dst, sport, dport,
		       (uint32_t)rtp[8] << 24 | (uint32_t)rtp[9] << 16 | rtp[10] << 8 | rtp[11]);
	s->pt = rtp[1] & 0x7f;
	t_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec * (nano ? 1 : 1000);
	side_add(s, which, (uint16_t)(rtp[2] << 8 | rtp[3]),
		 (uint32_t)rtp[4] << 24 | (uint32_t)rtp[5] << 16 | rtp[6] << 8 | rtp[7], t_ns);
}

static int read_capture(int which, const char *path)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const uint8_t *b;
	pcap_t *pc;
	bool nano;
	int rc, dlt;

	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fprintf(stderr, "rtpq: %s: %s\n", path, err);
		return -1;
	}
	nano = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &b)) == 1)
		packet(which, dlt, h, b, nano);
	if (rc == PCAP_ERROR) {
		/* A capture cut short by the kill that ended it is still usable. */
		fprintf(stderr, "rtpq: %s: %s (using what was read)\n", path, pcap_geterr(pc));
	}
	pcap_close(pc);
	return 0;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct rtpq_pkt *x = a, *y = b;

	if (x->ext_seq != y->ext_seq)
		return x->ext_seq < y->ext_seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_order(const void *a, const void *b)
{
	const struct rtpq_pkt *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* First copy of ext_seq in a side sorted by sequence, or NULL. */
static const struct rtpq_pkt *find_seq(const struct rtpq_side *sd, int64_t ext_seq)
{
	size_t lo = 0, hi = sd->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sd->p[mid].ext_seq < ext_seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sd->n && sd->p[lo].ext_seq == ext_seq ? &sd->p[lo] : NULL;
}

/* RTP clock of the static payload types (RFC 3551); dynamic ones: 8 kHz. */
static double clock_hz(uint8_t pt)
{
	switch (pt) {
	case 10: case 11: return 44100;
	case 14: case 25: case 26: case 28: case 31: case 32: case 33: case 34: return 90000;
	case 6: return 16000;
	case 16: return 11025;
	case 17: return 22050;
	default: return 8000;
	}
}

/* Nearest-rank percentile of a sorted array. */
static double pct_ms(const int64_t *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)v[k - 1] / 1e6;
}

static void addr_str(const struct rtpq_stream *s, const uint8_t *a, uint16_t port, char *out,
		     size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(s->family == 4 ? AF_INET : AF_INET6, a, ip, sizeof(ip));
	snprintf(out, len, s->family == 4 ? "%s:%u" : "[%s]:%u", ip, port);
}

/* Distinct sequence numbers of a side sorted by sequence. */
static size_t distinct(const struct rtpq_side *sd)
{
	size_t i, n = 0;

	for (i = 0; i < sd->n; i++)
		if (!i || sd->p[i].ext_seq != sd->p[i - 1].ext_seq)
			n++;
	return n;
}

static void report(size_t idx, struct rtpq_stream *s, FILE *series)
{
	struct rtpq_side *tx, *rx;
	size_t i, n_sent, n_recv = 0, dups = 0, reord = 0, n_late = 0, shared = 0, tail = 0;
	int64_t *delay, sum = 0, max_seen = INT64_MIN, first, last;
	double jitter = 0, hz = clock_hz(s->pt), loss, mean;
	char src[64], dst[64];
	bool have_prev = false;
	double prev_transit = 0;
	int which;

	for (which = 0; which < 2; which++)
		if (s->side[which].n)
			qsort(s->side[which].p, s->side[which].n, sizeof(struct rtpq_pkt), cmp_seq);
	/*
	 * The sender is the side whose copy of a shared packet is earlier, by
	 * majority; with nothing shared, the side that has packets.
	 */
	for (i = 0; i < s->side[0].n; i++) {
		const struct rtpq_pkt *o;

		if (i && s->side[0].p[i].ext_seq == s->side[0].p[i - 1].ext_seq)
			continue;
		o = find_seq(&s->side[1], s->side[0].p[i].ext_seq);
		if (o) {
			shared++;
			n_late += o->t_ns < s->side[0].p[i].t_ns;
		}
	}
	which = !s->side[0].n || (shared && n_late * 2 > shared);
	tx = &s->side[which];
	rx = &s->side[!which];
	n_sent = distinct(tx);
	first = tx->n ? tx->p[0].t_ns : 0;
	last = first;
	for (i = 0; i < tx->n; i++) {
		if (tx->p[i].t_ns < first)
			first = tx->p[i].t_ns;
		if (tx->p[i].t_ns > last)
			last = tx->p[i].t_ns;
	}

	/* Delays of first copies, in sequence order. */
	delay = xrealloc(NULL, (rx->n ? rx->n : 1) * sizeof(*delay));
	for (i = 0; i < rx->n; i++) {
		const struct rtpq_pkt *t;

		if (i && rx->p[i].ext_seq == rx->p[i - 1].ext_seq) {
			rx->p[i].dup = true;
			dups++;
			continue;
		}
		t = find_seq(tx, rx->p[i].ext_seq);
		if (!t) {
			rx->p[i].unsent = true;
			continue;
		}
		delay[n_recv] = rx->p[i].t_ns - t->t_ns;
		sum += delay[n_recv];
		if (series)
			fprintf(series, "%" PRId64 ".%09" PRId64 " %.3f %zu\n", t->t_ns / 1000000000,
				t->t_ns % 1000000000, (double)delay[n_recv] / 1e6, idx);
		n_recv++;
	}

	/* RFC 3550 6.4.1 jitter in arrival order, first copies of sent packets only. */
	if (rx->n)
		qsort(rx->p, rx->n, sizeof(struct rtpq_pkt), cmp_order);
	for (i = 0; i < rx->n; i++) {
		const struct rtpq_pkt *p = &rx->p[i];
		double transit, d;

		if (p->dup || p->unsent)
			continue;
		if (p->ext_seq < max_seen) {
			reord++;
		} else {
			max_seen = p->ext_seq;
		}
		transit = (double)p->t_ns / 1e9 * hz - (double)p->rtp_ts;
		if (have_prev) {
			d = transit - prev_transit;
			if (d < 0)
				d = -d;
			jitter += (d - jitter) / 16;
		}
		prev_transit = transit;
		have_prev = true;
	}

	if (n_recv)
		qsort(delay, n_recv, sizeof(*delay), cmp_i64);
	/* tx is in sequence order: the distinct packets sent after the last one received. */
	for (i = 0; i < tx->n; i++)
		if ((!i || tx->p[i].ext_seq != tx->p[i - 1].ext_seq) &&
		    (max_seen == INT64_MIN || tx->p[i].ext_seq > max_seen))
			tail++;
	loss = n_sent ? 100.0 * (double)(n_sent - n_recv) / (double)n_sent : 0;
	mean = n_recv ? (double)sum / (double)n_recv / 1e6 : 0;
	addr_str(s, s->src, s->sport, src, sizeof(src));
	addr_str(s, s->dst, s->dport, dst, sizeof(dst));
	printf("{\"src\":\"%s\",\"dst\":\"%s\",\"ssrc\":%" PRIu32 ",\"pt\":%u,\"sent\":%zu,"
	       "\"received\":%zu,\"lost\":%zu,\"loss_pct\":%.3f,\"duplicates\":%zu,"
	       "\"reordered\":%zu,\"delay_p50_ms\":%.3f,\"delay_p99_ms\":%.3f,"
	       "\"delay_mean_ms\":%.3f,\"delay_max_ms\":%.3f,\"jitter_ms\":%.3f,\"mos\":%.3f,"
	       "\"first\":%.6f,\"last\":%.6f,\"lost_tail\":%zu}\n",
	       src, dst, s->ssrc, s->pt, n_sent, n_recv, n_sent - n_recv, loss, dups, reord,
	       pct_ms(delay, n_recv, 50), pct_ms(delay, n_recv, 99), mean,
	       n_recv ? (double)delay[n_recv - 1] / 1e6 : 0, jitter / hz * 1000,
	       vq_mos(mean, jitter / hz * 1000, loss), (double)first / 1e9, (double)last / 1e9,
	       tail);
	free(delay);
}

static void usage(void)
{
	fprintf(stderr, "usage: rtpq [--series FILE] [--ports LO-HI] A.pcap B.pcap\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "ports", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	FILE *series = NULL;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			series = fopen(optarg, "w");
			if (!series) {
				fprintf(stderr, "rtpq: %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 'p':
			if (sscanf(optarg, "%u-%u", &port_lo, &port_hi) != 2 || port_lo > port_hi ||
			    port_hi > 65535) {
				fprintf(stderr, "rtpq: --ports %s: want LO-HI\n", optarg);
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (read_capture(0, argv[optind]) || read_capture(1, argv[optind + 1]))
		return 2;
	for (i = 0; i < n_streams; i++) {
		report(i, &streams[i], series);
		free(streams[i].side[0].p);
		free(streams[i].side[1].p);
	}
	free(streams);
	if (series && fclose(series)) {
		fprintf(stderr, "rtpq: series: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
