// SPDX-License-Identifier: GPL-2.0
/*
 * Capture decoding: every link type and header variant built byte by byte,
 * every truncation of them, random garbage, and whole files (pcap with
 * microsecond and nanosecond stamps, hand-written pcapng, a file cut in the
 * middle of a record).
 */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap_in.h"
#include "test.h"

static const uint16_t sip_ports[] = { 5060, 5080 };
static const char sipmsg[] = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n";

struct frame {
	uint8_t b[2048];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct frame *f, unsigned int v)
{
	f->b[f->n++] = (uint8_t)v;
}

static void put16(struct frame *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void wr16(struct frame *f, size_t at, unsigned int v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* L4 header + payload. */
static void put_l4(struct frame *f, int proto, uint16_t sport, uint16_t dport,
		   const char *payload, size_t plen, unsigned int tcp_opts)
{
	if (proto == IPPROTO_UDP) {
		put16(f, sport);
		put16(f, dport);
		put16(f, 8 + plen);
		put16(f, 0);
	} else {
		put16(f, sport);
		put16(f, dport);
		put32(f, 0x11223344);	/* seq */
		put32(f, 0);
		put8(f, (5 + tcp_opts) << 4);
		put8(f, 0x18);		/* PSH ACK */
		put16(f, 65535);
		put32(f, 0);
		for (unsigned int i = 0; i < tcp_opts; i++)
			put32(f, 0x01010101);	/* NOPs */
	}
	put(f, payload, plen);
}

static size_t l4_len(int proto, size_t plen, unsigned int tcp_opts)
{
	return (proto == IPPROTO_UDP ? 8 : 20 + 4 * tcp_opts) + plen;
}

static void put_ipv4(struct frame *f, int proto, unsigned int opts,
		     unsigned int frag, uint16_t sport, uint16_t dport,
		     unsigned int tcp_opts)
{
	size_t plen = strlen(sipmsg);

	put8(f, 0x40 | (5 + opts));
	put8(f, 0);
	put16(f, 20 + 4 * opts + l4_len(proto, plen, tcp_opts));
	put16(f, 1);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0xc0000201);	/* 192.0.2.1 */
	put32(f, 0xc6336402);	/* 198.51.100.2 */
	for (unsigned int i = 0; i < opts; i++)
		put32(f, 0x01010101);
	put_l4(f, proto, sport, dport, sipmsg, plen, tcp_opts);
}

/* IPv6 with the given extension header chain (types; 44 = fragment). */
static void put_ipv6(struct frame *f, int proto, const uint8_t *ext,
		     unsigned int next, unsigned int fragoff)
{
	size_t plen = strlen(sipmsg), len = l4_len(proto, plen, 0);
	unsigned int i;

	len += 8 * next;
	put32(f, 0x60000000);
	put16(f, len);
	put8(f, next ? ext[0] : proto);
	put8(f, 64);
	put32(f, 0x20010db8);
	put32(f, 0);
	put32(f, 0);
	put32(f, 1);
	put32(f, 0x20010db8);
	put32(f, 0);
	put32(f, 0);
	put32(f, 2);
	for (i = 0; i < next; i++) {
		put8(f, i + 1 < next ? ext[i + 1] : proto);
		if (ext[i] == IPPROTO_FRAGMENT) {
			put8(f, 0);
			put16(f, fragoff);
			put32(f, 7);
		} else {
			put8(f, 0);	/* length 0: 8 bytes */
			put8(f, 1);	/* PadN */
			put8(f, 4);
			put32(f, 0);
		}
	}
	put_l4(f, proto, 5060, 5060, sipmsg, plen, 0);
}

static void put_eth(struct frame *f, const unsigned int *tags, unsigned int ntags,
		    unsigned int type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	put(f, macs, 12);
	for (unsigned int i = 0; i < ntags; i++) {
		put16(f, tags[i]);
		put16(f, 100 + i);
	}
	put16(f, type);
}

static int decode(int dlt, const struct frame *f, size_t caplen,
		  struct vq_sip_pkt *pkt, struct vq_pcap_stats *st)
{
	return vq_pcap_decode(dlt, f->b, caplen, 42, sip_ports, 2, pkt, st);
}

/* The packet decoded is the OPTIONS message, whole. */
static bool is_msg(const struct vq_sip_pkt *p, int family, int proto)
{
	return p->family == family && p->l4proto == proto &&
	       p->len == strlen(sipmsg) && p->full_len == p->len &&
	       memcmp(p->payload, sipmsg, p->len) == 0 && p->tstamp_ns == 42;
}

/*
 * Every cut of a good frame must decode without reading past caplen (ASan
 * and valgrind watch the heap copy) and never claim more payload than is
 * there.
 */
static void cuts(const char *name, int dlt, const struct frame *f)
{
	struct vq_pcap_stats st = { 0 };
	struct vq_sip_pkt p;
	size_t n, bad = 0;

	for (n = 0; n < f->n; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, f->b, n);
		if (vq_pcap_decode(dlt, copy, n, 0, sip_ports, 2, &p, &st) &&
		    (p.payload < copy || p.payload + p.len > copy + n ||
		     p.len > p.full_len || p.len == p.full_len))
			bad++;
		free(copy);
	}
	t_check(bad == 0 && st.truncated > 0, name,
		"%zu cuts out of bounds or whole, %llu counted truncated", bad,
		(unsigned long long)st.truncated);
}

static void links(void)
{
	static const unsigned int q1[] = { 0x8100 };
	static const unsigned int qq[] = { 0x88a8, 0x8100 };
	static const unsigned int q9[] = { 0x8100, 0x8100, 0x8100, 0x8100, 0x8100,
					   0x8100, 0x8100, 0x8100, 0x8100 };
	struct vq_pcap_stats st = { 0 };
	struct vq_sip_pkt p;
	struct frame f;

	f.n = 0;
	put_eth(&f, NULL, 0, 0x0800);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	t_check(decode(1, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP) &&
		p.sport == 40000 && p.dport == 5060 &&
		memcmp(p.saddr, "\xc0\x00\x02\x01", 4) == 0 &&
		memcmp(p.daddr, "\xc6\x33\x64\x02", 4) == 0,
		"pcap_in ethernet ipv4 udp", "not decoded");
	cuts("pcap_in ethernet ipv4 udp cuts", 1, &f);

	/* Ethernet minimum-frame padding after the IP packet is not payload. */
	memset(f.b + f.n, 0xee, 20);
	t_check(decode(1, &f, f.n + 20, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP),
		"pcap_in ethernet trailer ignored", "len %zu", p.len);

	f.n = 0;
	put_eth(&f, q1, 1, 0x0800);
	put_ipv4(&f, IPPROTO_TCP, 3, 0, 5060, 41000, 2);
	t_check(decode(1, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_TCP) &&
		p.tcp_seq == 0x11223344 && p.tcp_flags == 0x18,
		"pcap_in vlan ipv4 options tcp options", "not decoded");
	cuts("pcap_in vlan tcp cuts", 1, &f);

	f.n = 0;
	put_eth(&f, qq, 2, 0x86dd);
	put_ipv6(&f, IPPROTO_UDP, NULL, 0, 0);
	t_check(decode(1, &f, f.n, &p, &st) && is_msg(&p, AF_INET6, IPPROTO_UDP) &&
		p.saddr[15] == 1 && p.daddr[15] == 2 && p.daddr[0] == 0x20,
		"pcap_in qinq ipv6 udp", "not decoded");

	f.n = 0;
	put_eth(&f, q9, 9, 0x0800);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	t_check(!decode(1, &f, f.n, &p, &st), "pcap_in 9 vlan tags refused",
		"decoded");

	f.n = 0;
	put_eth(&f, NULL, 0, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0);
	put16(&f, 0x1234);
	put16(&f, 0);
	put16(&f, 0x0021);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 5080, 5080, 0);
	t_check(decode(1, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP),
		"pcap_in pppoe ipv4", "not decoded");
	cuts("pcap_in pppoe cuts", 1, &f);

	f.n = 0;
	put16(&f, 0);		/* packet type: to us */
	put16(&f, 1);		/* ARPHRD_ETHER */
	put16(&f, 6);
	put(&f, "\2\0\0\0\0\1\0\0", 8);
	put16(&f, 0x86dd);
	put_ipv6(&f, IPPROTO_TCP, NULL, 0, 0);
	t_check(decode(113, &f, f.n, &p, &st) && is_msg(&p, AF_INET6, IPPROTO_TCP),
		"pcap_in linux_sll ipv6 tcp", "not decoded");
	cuts("pcap_in linux_sll cuts", 113, &f);

	f.n = 0;
	put16(&f, 0x0800);
	put16(&f, 0);
	put32(&f, 3);		/* ifindex */
	put16(&f, 1);
	put8(&f, 0);
	put8(&f, 6);
	put(&f, "\2\0\0\0\0\1\0\0", 8);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	t_check(decode(276, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP),
		"pcap_in linux_sll2 ipv4", "not decoded");
	cuts("pcap_in linux_sll2 cuts", 276, &f);

	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	t_check(decode(12, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP) &&
		decode(228, &f, f.n, &p, &st) && !decode(229, &f, f.n, &p, &st),
		"pcap_in raw and ipv4 links", "not decoded");
	cuts("pcap_in raw cuts", 12, &f);

	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, NULL, 0, 0);
	t_check(decode(12, &f, f.n, &p, &st) && decode(229, &f, f.n, &p, &st) &&
		is_msg(&p, AF_INET6, IPPROTO_UDP) && !decode(228, &f, f.n, &p, &st),
		"pcap_in raw and ipv6 links", "not decoded");

	/* DLT_NULL: AF in either byte order; DLT_LOOP: network order. */
	f.n = 0;
	put(&f, "\2\0\0\0", 4);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	t_check(decode(0, &f, f.n, &p, &st) && is_msg(&p, AF_INET, IPPROTO_UDP) &&
		!decode(108, &f, f.n, &p, &st), "pcap_in null little-endian",
		"not decoded");
	f.n = 0;
	put(&f, "\0\0\0\x1e", 4);
	put_ipv6(&f, IPPROTO_UDP, NULL, 0, 0);
	t_check(decode(0, &f, f.n, &p, &st) && decode(108, &f, f.n, &p, &st) &&
		is_msg(&p, AF_INET6, IPPROTO_UDP), "pcap_in null/loop big-endian",
		"not decoded");

	t_check(!vq_pcap_link_supported(105), "pcap_in 802.11 not supported",
		"claimed");
}

static void ip_variants(void)
{
	static const uint8_t ext3[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING,
					IPPROTO_DSTOPTS };
	static const uint8_t extf[] = { IPPROTO_HOPOPTS, IPPROTO_FRAGMENT };
	uint8_t many[20];
	struct vq_pcap_stats st = { 0 };
	struct vq_sip_pkt p;
	struct frame f;

	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0x2000, 40000, 5060, 0);	/* MF */
	t_check(!decode(12, &f, f.n, &p, &st) && st.fragments == 1,
		"pcap_in ipv4 first fragment skipped", "fragments %llu",
		(unsigned long long)st.fragments);
	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0x0010, 40000, 5060, 0);	/* offset */
	t_check(!decode(12, &f, f.n, &p, &st) && st.fragments == 2,
		"pcap_in ipv4 later fragment skipped", "fragments %llu",
		(unsigned long long)st.fragments);
	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0x4000, 40000, 5060, 0);	/* DF */
	t_check(decode(12, &f, f.n, &p, &st), "pcap_in ipv4 DF is whole",
		"skipped");

	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5061, 0);
	t_check(!decode(12, &f, f.n, &p, &st) && st.other == 1,
		"pcap_in other ports skipped", "decoded");
	f.n = 0;
	put_ipv4(&f, IPPROTO_ICMP, 0, 0, 0, 0, 0);
	t_check(!decode(12, &f, f.n, &p, &st), "pcap_in icmp skipped", "decoded");

	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	wr16(&f, 24, 7);	/* UDP length < 8 */
	t_check(!decode(12, &f, f.n, &p, &st) && st.malformed == 1,
		"pcap_in udp length 7 malformed", "decoded");
	wr16(&f, 24, 8 + strlen(sipmsg) + 1);	/* past the IP packet */
	t_check(!decode(12, &f, f.n, &p, &st) && st.malformed == 2,
		"pcap_in udp length past ip malformed", "decoded");
	wr16(&f, 24, 8 + 10);	/* shorter than IP: UDP wins */
	t_check(decode(12, &f, f.n, &p, &st) && p.len == 10 && p.full_len == 10,
		"pcap_in udp length shorter than ip", "len %zu", p.len);
	f.n = 0;
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);
	f.b[0] = 0x44;		/* IHL 16 bytes */
	t_check(!decode(12, &f, f.n, &p, &st), "pcap_in ipv4 ihl 4 malformed",
		"decoded");
	f.b[0] = 0x45;
	wr16(&f, 2, 19);	/* total < header */
	t_check(!decode(12, &f, f.n, &p, &st), "pcap_in ipv4 total 19 malformed",
		"decoded");
	/* Snap length cut into the payload: a truncated SIP packet. */
	wr16(&f, 2, f.n);
	t_check(decode(12, &f, f.n - 5, &p, &st) && p.len + 5 == p.full_len,
		"pcap_in snapped payload", "len %zu full %zu", p.len, p.full_len);

	f.n = 0;
	put_ipv4(&f, IPPROTO_TCP, 0, 0, 40000, 5060, 0);
	f.b[32] = 0x40;		/* data offset 4 */
	t_check(!decode(12, &f, f.n, &p, &st), "pcap_in tcp doff 4 malformed",
		"decoded");
	f.b[32] = 0xf0;		/* 60 bytes: past a 40-byte segment */
	wr16(&f, 2, 20 + 40);
	t_check(!decode(12, &f, f.n, &p, &st), "pcap_in tcp doff 15 malformed",
		"decoded");

	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, ext3, 3, 0);
	t_check(decode(229, &f, f.n, &p, &st) && is_msg(&p, AF_INET6, IPPROTO_UDP),
		"pcap_in ipv6 three extension headers", "not decoded");
	cuts("pcap_in ipv6 extension cuts", 229, &f);
	f.n = 0;
	put_ipv6(&f, IPPROTO_TCP, extf, 2, 0);
	t_check(decode(229, &f, f.n, &p, &st) && is_msg(&p, AF_INET6, IPPROTO_TCP),
		"pcap_in ipv6 atomic fragment is whole", "not decoded");
	st.fragments = 0;
	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, extf, 2, 1);
	t_check(!decode(229, &f, f.n, &p, &st) && st.fragments == 1,
		"pcap_in ipv6 fragment skipped", "decoded");
	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, extf, 2, 8 << 3);
	t_check(!decode(229, &f, f.n, &p, &st) && st.fragments == 2,
		"pcap_in ipv6 later fragment skipped", "decoded");

	/* A chain longer than anything real: refused, not walked forever. */
	memset(many, IPPROTO_DSTOPTS, sizeof(many));
	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, many, 20, 0);
	t_check(!decode(229, &f, f.n, &p, &st), "pcap_in ipv6 20 extensions refused",
		"decoded");
	/* An extension length that points past the packet. */
	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, ext3, 3, 0);
	f.b[41] = 200;
	t_check(!decode(229, &f, f.n, &p, &st), "pcap_in ipv6 extension past end",
		"decoded");
	/* Payload length larger than captured: truncated, within bounds. */
	f.n = 0;
	put_ipv6(&f, IPPROTO_UDP, NULL, 0, 0);
	wr16(&f, 4, 1000);
	wr16(&f, 44, 1000);
	t_check(decode(229, &f, f.n, &p, &st) && p.full_len == 992 &&
		p.len == strlen(sipmsg), "pcap_in ipv6 snapped", "len %zu full %zu",
		p.len, p.full_len);
}

/* Deterministic garbage, plausible-looking headers included. */
static void garbage(void)
{
	static const int dlts[] = { 0, 1, 12, 108, 113, 228, 229, 276 };
	struct vq_pcap_stats st = { 0 };
	struct vq_sip_pkt p;
	uint32_t x = 12345;
	unsigned int i, k, bad = 0;
	uint8_t *buf;
	size_t n;

	for (i = 0; i < 20000; i++) {
		n = (x = x * 1103515245 + 12345) >> 16 & 255;
		buf = malloc(n ? n : 1);
		for (k = 0; k < n; k++)
			buf[k] = (uint8_t)((x = x * 1103515245 + 12345) >> 16);
		/* Make IP-looking bytes common enough to go deep. */
		if (n > 20 && (i & 1))
			buf[i & 2 ? 0 : 14] = i & 4 ? 0x45 : 0x60;
		if (n > 16 && (i & 8)) {
			buf[12] = i & 16 ? 0x08 : 0x86;
			buf[13] = i & 16 ? 0x00 : 0xdd;
		}
		if (vq_pcap_decode(dlts[i % 8], buf, n, 0, sip_ports, 2, &p, &st) &&
		    (p.payload < buf || p.payload + p.len > buf + n))
			bad++;
		free(buf);
	}
	t_check(bad == 0 && st.frames == 0 &&
		st.other + st.truncated + st.malformed + st.fragments + st.sip == 20000,
		"pcap_in 20000 random frames", "%u out of bounds", bad);
}

static char *tmpname(char *buf, size_t len, const char *tag)
{
	int fd;

	snprintf(buf, len, "%s/vq-pcap-%s-XXXXXX", getenv("TMPDIR") ?
		 getenv("TMPDIR") : "/tmp", tag);
	fd = mkstemp(buf);
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Writes n copies of frame f with libpcap's own dumper. */
static void write_pcap(const char *path, int dlt, int prec,
		       const struct frame *f, unsigned int n)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, 65535, prec);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	struct pcap_pkthdr h;
	unsigned int i;

	for (i = 0; d && i < n; i++) {
		h.ts.tv_sec = 1700000000 + i;
		h.ts.tv_usec = prec == PCAP_TSTAMP_PRECISION_NANO ? 123456789 : 123456;
		h.caplen = h.len = (bpf_u_int32)f->n;
		pcap_dump((u_char *)d, &h, f->b);
	}
	if (d)
		pcap_dump_close(d);
	pcap_close(dead);
}

static int read_all(const char *path, uint64_t *first_ns, unsigned int *n,
		    char *err, size_t errlen)
{
	struct vq_sip_pkt p;
	struct vq_pcap *pc;
	int r;

	*n = 0;
	pc = vq_pcap_open(path, sip_ports, 2, err, errlen);
	if (!pc)
		return -2;
	while ((r = vq_pcap_next(pc, &p, err, errlen)) == 1) {
		if (!*n)
			*first_ns = p.tstamp_ns;
		if (p.len == strlen(sipmsg) &&
		    memcmp(p.payload, sipmsg, p.len) == 0)
			(*n)++;
	}
	vq_pcap_close(pc);
	return r;
}

static void files(void)
{
	char path[256], err[512];
	uint64_t ns = 0;
	unsigned int n;
	struct frame f;
	FILE *fp;
	long size;
	int r;

	f.n = 0;
	put_eth(&f, NULL, 0, 0x0800);
	put_ipv4(&f, IPPROTO_UDP, 0, 0, 40000, 5060, 0);

	tmpname(path, sizeof(path), "us");
	write_pcap(path, 1, PCAP_TSTAMP_PRECISION_MICRO, &f, 3);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == 0 && n == 3 && ns == 1700000000123456000ULL,
		"pcap_in microsecond file", "r %d n %u ns %llu", r, n,
		(unsigned long long)ns);

	/* Cut in the middle of the last record: two packets, then an error. */
	fp = fopen(path, "r+");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	r = truncate(path, size - 10);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == -1 && n == 2 && err[0], "pcap_in truncated file",
		"r %d n %u err '%s'", r, n, err);
	/* Only the global header, cut. */
	r = truncate(path, 10);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == -2 && err[0], "pcap_in cut file header refused", "r %d", r);
	unlink(path);

	tmpname(path, sizeof(path), "ns");
	write_pcap(path, 1, PCAP_TSTAMP_PRECISION_NANO, &f, 2);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == 0 && n == 2 && ns == 1700000000123456789ULL,
		"pcap_in nanosecond file", "r %d n %u ns %llu", r, n,
		(unsigned long long)ns);
	unlink(path);

	tmpname(path, sizeof(path), "wifi");
	write_pcap(path, 105, PCAP_TSTAMP_PRECISION_MICRO, &f, 1);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == -2 && strstr(err, "not supported"),
		"pcap_in unsupported link type", "err '%s'", err);
	unlink(path);

	/* Garbage instead of a capture. */
	tmpname(path, sizeof(path), "junk");
	fp = fopen(path, "w");
	fputs("INVITE sip:bob@example.com SIP/2.0\r\n\r\n", fp);
	fclose(fp);
	r = read_all(path, &ns, &n, err, sizeof(err));
	t_check(r == -2 && err[0], "pcap_in not a capture", "r %d", r);
	unlink(path);

	/* pcapng by hand: SHB, IDB (EN10MB, ns resolution), one EPB. */
	{
		struct frame g;
		size_t pad = (4 - f.n % 4) % 4;
		uint32_t epb = (uint32_t)(28 + f.n + pad + 4);
		uint64_t ts = 1700000001000000007ULL;

		g.n = 0;
		/* little-endian blocks, written with explicit bytes */
#define LE32(v) do { uint32_t v_ = (v); put8(&g, v_); put8(&g, v_ >> 8); \
	put8(&g, v_ >> 16); put8(&g, v_ >> 24); } while (0)
		LE32(0x0a0d0d0a); LE32(28); LE32(0x1a2b3c4d);
		LE32(1); LE32(0xffffffff); LE32(0xffffffff); LE32(28);
		/* IDB with if_tsresol = 9 */
		LE32(1); LE32(32); LE32(1); LE32(65535);
		LE32(9 | 1 << 16); LE32(9); LE32(0); LE32(32);
		LE32(6); LE32(epb); LE32(0);
		LE32((uint32_t)(ts >> 32)); LE32((uint32_t)ts);
		LE32((uint32_t)f.n); LE32((uint32_t)f.n);
		put(&g, f.b, f.n);
		for (size_t i = 0; i < pad; i++)
			put8(&g, 0);
		LE32(epb);
#undef LE32
		tmpname(path, sizeof(path), "ng");
		fp = fopen(path, "w");
		fwrite(g.b, 1, g.n, fp);
		fclose(fp);
		r = read_all(path, &ns, &n, err, sizeof(err));
		t_check(r == 0 && n == 1 && ns == ts, "pcap_in pcapng nanosecond",
			"r %d n %u ns %llu err %s", r, n, (unsigned long long)ns,
			r ? err : "");
		unlink(path);
	}
}

/*
 * A UDP datagram 40000 -> 5060 with a payload of plen bytes ('a' + i % 26),
 * cut into IP fragments of at most 'piece' bytes (a multiple of 8), written
 * in the order given by order[] (indexes; -1 ends), as raw IP frames.
 */
static void write_frags(const char *path, int v6, size_t plen, size_t piece,
			const int *order, uint32_t id)
{
	pcap_t *dead = pcap_open_dead(12, 65535);
	pcap_dumper_t *dp = pcap_dump_open(dead, path);
	static uint8_t dgram[4096];
	struct pcap_pkthdr h;
	struct frame f;
	size_t n = 8 + plen, off;
	int k;

	dgram[0] = 40000 >> 8;
	dgram[1] = 40000 & 0xff;
	dgram[2] = 5060 >> 8;
	dgram[3] = 5060 & 0xff;
	dgram[4] = (uint8_t)(n >> 8);
	dgram[5] = (uint8_t)n;
	dgram[6] = dgram[7] = 0;
	for (size_t i = 0; i < plen; i++)
		dgram[8 + i] = (uint8_t)('a' + i % 26);
	for (k = 0; order[k] >= 0; k++) {
		size_t len;
		int more;

		off = (size_t)order[k] * piece;
		len = n - off < piece ? n - off : piece;
		more = off + len < n;
		f.n = 0;
		if (!v6) {
			put8(&f, 0x45);
			put8(&f, 0);
			put16(&f, 20 + len);
			put16(&f, id);
			put16(&f, (more ? 0x2000 : 0) | (off / 8));
			put8(&f, 64);
			put8(&f, IPPROTO_UDP);
			put16(&f, 0);
			put32(&f, 0xc0000201);
			put32(&f, 0xc6336402);
		} else {
			put32(&f, 0x60000000);
			put16(&f, 8 + len);
			put8(&f, IPPROTO_FRAGMENT);
			put8(&f, 64);
			put32(&f, 0x20010db8);
			put32(&f, 0);
			put32(&f, 0);
			put32(&f, 1);
			put32(&f, 0x20010db8);
			put32(&f, 0);
			put32(&f, 0);
			put32(&f, 2);
			put8(&f, IPPROTO_UDP);
			put8(&f, 0);
			put16(&f, (unsigned int)off | (more ? 1 : 0));
			put32(&f, id);
		}
		put(&f, dgram + off, len);
		h.ts.tv_sec = 1700000000;
		h.ts.tv_usec = k;
		h.caplen = h.len = (bpf_u_int32)f.n;
		pcap_dump((u_char *)dp, &h, f.b);
	}
	pcap_dump_close(dp);
	pcap_close(dead);
}

/* Reads path: number of SIP packets, the last one's payload checked. */
static unsigned int read_frags(const char *path, size_t plen, bool *good,
			       struct vq_pcap_stats *st)
{
	struct vq_sip_pkt p;
	struct vq_pcap *pc;
	char err[256];
	unsigned int n = 0;

	*good = false;
	memset(st, 0, sizeof(*st));
	pc = vq_pcap_open(path, sip_ports, 2, err, sizeof(err));
	if (!pc)
		return 0;
	while (vq_pcap_next(pc, &p, err, sizeof(err)) == 1) {
		n++;
		*good = p.len == plen && p.full_len == plen && p.sport == 40000 &&
			p.payload[0] == 'a' && p.payload[plen - 1] == 'a' + (plen - 1) % 26;
	}
	vq_pcap_get_stats(pc, st);
	vq_pcap_close(pc);
	return n;
}

static void fragments(void)
{
	static const int rev[] = { 2, 0, 1, -1 };
	static const int miss[] = { 0, 2, -1 };
	static const int dup[] = { 1, 1, 0, 2, -1 };
	static const int two[] = { 0, 1, -1 };
	struct vq_pcap_stats st;
	char path[256];
	unsigned int n;
	bool good;

	tmpname(path, sizeof(path), "frag");
	write_frags(path, 0, 1300, 504, rev, 7);
	n = read_frags(path, 1300, &good, &st);
	t_check(n == 1 && good && st.fragments == 3 && st.reassembled == 1,
		"pcap_in ipv4 3 fragments out of order reassembled",
		"n %u good %d fragments %llu", n, good, (unsigned long long)st.fragments);
	write_frags(path, 0, 1300, 504, miss, 7);
	n = read_frags(path, 1300, &good, &st);
	t_check(n == 0 && st.fragments == 2 && st.reassembled == 0,
		"pcap_in ipv4 missing fragment: nothing", "n %u", n);
	write_frags(path, 0, 1300, 504, dup, 7);
	n = read_frags(path, 1300, &good, &st);
	t_check(n == 1 && good, "pcap_in ipv4 duplicate fragment", "n %u", n);
	write_frags(path, 1, 1000, 512, two, 0x12345678);
	n = read_frags(path, 1000, &good, &st);
	t_check(n == 1 && good && st.reassembled == 1,
		"pcap_in ipv6 fragments reassembled", "n %u good %d", n, good);
	/* Pieces not a multiple of 8 (but the last): refused. */
	write_frags(path, 0, 1300, 500, rev, 9);
	n = read_frags(path, 1300, &good, &st);
	t_check(n == 0 && st.malformed > 0, "pcap_in odd fragment size refused",
		"n %u", n);
	unlink(path);
}

T_SUITE(pcap_in)
{
	fragments();
	links();
	ip_variants();
	garbage();
	files();
}
