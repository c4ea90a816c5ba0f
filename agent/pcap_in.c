// SPDX-License-Identifier: GPL-2.0
/*
 * Capture file decoding for `voiceqos replay`. Every header field is read
 * with rd16/rd32 from an offset checked against the bytes actually
 * captured, so a cut or forged frame ends in a counter, never in a read
 * past the buffer, and the code does not care about host endianness or
 * alignment.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pcap_in.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ_OLD 0x9100	/* pre-802.1ad QinQ outer tag */
#define ETH_P_PPPOE_SESS 0x8864
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define MAX_VLAN_TAGS 8		/* deeper stacks are not real traffic */
#define MAX_IPV6_EXT 16		/* extension headers walked before giving up */

enum verdict { V_OTHER, V_SIP, V_FRAG, V_TRUNC, V_BAD };

/* One IP fragment, for the file reader's reassembly. */
struct frag {
	uint16_t family;
	uint8_t proto;
	bool more;
	uint32_t id;
	uint8_t saddr[16], daddr[16];
	size_t offset;			/* bytes */
	const uint8_t *data;
	size_t len;
};

/* What one frame's decoding needs and fills. */
struct dec {
	const uint16_t *ports;
	unsigned int nports;
	struct vq_sip_pkt *pkt;
	struct frag *frag;		/* NULL: fragments are only counted */
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int vq_pcap_link_supported(int dlt)
{
	switch (dlt) {
	case VQ_LINK_NULL:
	case VQ_LINK_EN10MB:
	case VQ_LINK_RAW:
	case VQ_LINK_RAW14:
	case VQ_LINK_LOOP:
	case VQ_LINK_LINUX_SLL:
	case VQ_LINK_IPV4:
	case VQ_LINK_IPV6:
	case VQ_LINK_LINUX_SLL2:
		return 1;
	}
	return 0;
}

static bool sip_port(uint16_t port, const uint16_t *ports, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/*
 * The transport header at l4 (avail bytes captured, seglen bytes the IP
 * header says the segment has).
 */
static enum verdict decode_l4(uint8_t proto, const uint8_t *l4, size_t avail,
			      size_t seglen, struct dec *d)
{
	struct vq_sip_pkt *pkt = d->pkt;
	size_t hlen, plen;

	if (proto == IPPROTO_UDP) {
		if (seglen < 8)
			return V_BAD;
		if (avail < 8)
			return V_TRUNC;
		/*
		 * The UDP length may be less than the IP payload (padding)
		 * but never more; 0 is only legal for IPv6 jumbograms.
		 */
		plen = rd16(l4 + 4);
		if (plen < 8 || plen > seglen)
			return V_BAD;
		hlen = 8;
		plen -= 8;
	} else if (proto == IPPROTO_TCP) {
		if (seglen < 20)
			return V_BAD;
		if (avail < 20)
			return V_TRUNC;
		hlen = (size_t)(l4[12] >> 4) * 4;
		if (hlen < 20 || hlen > seglen)
			return V_BAD;
		if (avail < hlen)
			return V_TRUNC;
		plen = seglen - hlen;
		pkt->tcp_seq = rd32(l4 + 4);
		pkt->tcp_flags = l4[13];
	} else {
		return V_OTHER;
	}
	pkt->sport = rd16(l4);
	pkt->dport = rd16(l4 + 2);
	if (!sip_port(pkt->sport, d->ports, d->nports) &&
	    !sip_port(pkt->dport, d->ports, d->nports))
		return V_OTHER;
	pkt->l4proto = proto;
	pkt->payload = l4 + hlen;
	pkt->full_len = plen;
	pkt->len = avail - hlen < plen ? avail - hlen : plen;
	return V_SIP;
}

static enum verdict decode_ipv4(const uint8_t *p, size_t caplen,
				struct dec *d)
{
	struct vq_sip_pkt *pkt = d->pkt;
	size_t ihl, tot;
	uint16_t fo;

	if (caplen < 20)
		return V_TRUNC;
	if (p[0] >> 4 != 4)
		return V_BAD;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = rd16(p + 2);
	if (ihl < 20 || tot < ihl)
		return V_BAD;
	if (caplen < ihl)
		return V_TRUNC;
	pkt->family = AF_INET;
	memcpy(pkt->saddr, p + 12, 4);
	memcpy(pkt->daddr, p + 16, 4);
	/* MF set or a non-zero offset: a piece of a datagram, not one. */
	fo = rd16(p + 6);
	if (fo & 0x3fff) {
		if (!d->frag)
			return V_FRAG;
		if (caplen < tot)
			return V_TRUNC;
		/* Keys compare all 16 address bytes. */
		memset(d->frag, 0, sizeof(*d->frag));
		d->frag->family = AF_INET;
		d->frag->proto = p[9];
		d->frag->more = fo & 0x2000;
		d->frag->id = rd16(p + 4);
		memcpy(d->frag->saddr, p + 12, 4);
		memcpy(d->frag->daddr, p + 16, 4);
		d->frag->offset = (size_t)(fo & 0x1fff) * 8;
		d->frag->data = p + ihl;
		d->frag->len = tot - ihl;
		return V_FRAG;
	}
	/* Ethernet pads short frames: the IP length is the truth. */
	return decode_l4(p[9], p + ihl, (caplen < tot ? caplen : tot) - ihl,
			 tot - ihl, d);
}

static enum verdict decode_ipv6(const uint8_t *p, size_t caplen,
				struct dec *d)
{
	struct vq_sip_pkt *pkt = d->pkt;
	size_t off = 40, end, hlen;
	uint16_t fo;
	uint8_t nh;
	unsigned int i;

	if (caplen < 40)
		return V_TRUNC;
	if (p[0] >> 4 != 6)
		return V_BAD;
	/* Payload length 0 is a jumbogram (hop-by-hop option): not SIP. */
	end = 40 + (size_t)rd16(p + 4);
	if (end == 40)
		return V_OTHER;
	pkt->family = AF_INET6;
	memcpy(pkt->saddr, p + 8, 16);
	memcpy(pkt->daddr, p + 24, 16);
	nh = p[6];
	for (i = 0; i < MAX_IPV6_EXT; i++) {
		switch (nh) {
		case IPPROTO_UDP:
		case IPPROTO_TCP:
			if (off > end)
				return V_BAD;
			if (off > caplen)
				return V_TRUNC;
			return decode_l4(nh, p + off,
					 (caplen < end ? caplen : end) - off,
					 end - off, d);
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case 135:	/* Mobility */
		case 139:	/* HIP */
		case 140:	/* Shim6 */
			if (off + 2 > end)
				return V_BAD;
			if (off + 2 > caplen)
				return V_TRUNC;
			hlen = ((size_t)p[off + 1] + 1) * 8;
			break;
		case IPPROTO_AH:
			if (off + 2 > end)
				return V_BAD;
			if (off + 2 > caplen)
				return V_TRUNC;
			hlen = ((size_t)p[off + 1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if (off + 8 > end)
				return V_BAD;
			if (off + 8 > caplen)
				return V_TRUNC;
			/* An atomic fragment (offset 0, no M) is whole. */
			fo = rd16(p + off + 2);
			if (!(fo & 0xfff9)) {
				hlen = 8;
				break;
			}
			if (!d->frag)
				return V_FRAG;
			if (caplen < end)
				return V_TRUNC;
			d->frag->family = AF_INET6;
			d->frag->proto = p[off];
			d->frag->more = fo & 1;
			d->frag->id = rd32(p + off + 4);
			memcpy(d->frag->saddr, p + 8, 16);
			memcpy(d->frag->daddr, p + 24, 16);
			d->frag->offset = fo & 0xfff8;
			d->frag->data = p + off + 8;
			d->frag->len = end - off - 8;
			return V_FRAG;
		default:	/* ESP, ICMPv6, no next header, ... */
			return V_OTHER;
		}
		nh = p[off];
		off += hlen;
	}
	return V_OTHER;
}

static enum verdict decode_ip(uint16_t ethertype, const uint8_t *p,
			      size_t caplen, struct dec *d)
{
	if (ethertype == ETH_P_IPV4)
		return decode_ipv4(p, caplen, d);
	if (ethertype == ETH_P_IPV6)
		return decode_ipv6(p, caplen, d);
	return V_OTHER;
}

/* Raw IP links: the version nibble says which. */
static enum verdict decode_raw(const uint8_t *p, size_t caplen,
			       struct dec *d)
{
	if (caplen < 1)
		return V_TRUNC;
	if (p[0] >> 4 == 4)
		return decode_ipv4(p, caplen, d);
	if (p[0] >> 4 == 6)
		return decode_ipv6(p, caplen, d);
	return V_OTHER;
}

static enum verdict decode_ether(const uint8_t *p, size_t caplen,
				 struct dec *d)
{
	size_t off = 12;
	uint16_t type;
	unsigned int tags = 0;

	for (;;) {
		if (off + 2 > caplen)
			return V_TRUNC;
		type = rd16(p + off);
		off += 2;
		if (type != ETH_P_8021Q && type != ETH_P_8021AD &&
		    type != ETH_P_QINQ_OLD)
			break;
		if (++tags > MAX_VLAN_TAGS)
			return V_BAD;
		off += 2;	/* TCI */
	}
	if (type == ETH_P_PPPOE_SESS) {
		/* ver/type, code, session id, length, then the PPP protocol */
		if (off + 8 > caplen)
			return V_TRUNC;
		if (p[off] != 0x11 || p[off + 1] != 0)
			return V_OTHER;
		switch (rd16(p + off + 6)) {
		case PPP_IPV4:
			type = ETH_P_IPV4;
			break;
		case PPP_IPV6:
			type = ETH_P_IPV6;
			break;
		default:
			return V_OTHER;
		}
		off += 8;
	}
	return decode_ip(type, p + off, caplen - off, d);
}

/* DLT_NULL stores the AF in the capturing host's order; try both. */
static enum verdict decode_null(const uint8_t *p, size_t caplen, bool net_order,
				struct dec *d)
{
	uint32_t be, le, af;

	if (caplen < 4)
		return V_TRUNC;
	be = rd32(p);
	le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[1] << 8 | p[0];
	af = net_order || be < 256 ? be : le;
	/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 by OS. */
	if (af == 2)
		return decode_ipv4(p + 4, caplen - 4, d);
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ipv6(p + 4, caplen - 4, d);
	return V_OTHER;
}

static enum verdict decode_frame(int dlt, const uint8_t *frame, size_t caplen,
				 uint64_t tstamp_ns, struct dec *d)
{
	enum verdict v;

	memset(d->pkt, 0, sizeof(*d->pkt));
	d->pkt->tstamp_ns = tstamp_ns;
	switch (dlt) {
	case VQ_LINK_EN10MB:
		v = decode_ether(frame, caplen, d);
		break;
	case VQ_LINK_LINUX_SLL:
		v = caplen < 16 ? V_TRUNC :
		    decode_ip(rd16(frame + 14), frame + 16, caplen - 16, d);
		break;
	case VQ_LINK_LINUX_SLL2:
		/* Its interface index is the capturing host's: not ours. */
		v = caplen < 20 ? V_TRUNC :
		    decode_ip(rd16(frame), frame + 20, caplen - 20, d);
		break;
	case VQ_LINK_RAW:
	case VQ_LINK_RAW14:
		v = decode_raw(frame, caplen, d);
		break;
	case VQ_LINK_IPV4:
		v = decode_ipv4(frame, caplen, d);
		break;
	case VQ_LINK_IPV6:
		v = decode_ipv6(frame, caplen, d);
		break;
	case VQ_LINK_NULL:
	case VQ_LINK_LOOP:
		v = decode_null(frame, caplen, dlt == VQ_LINK_LOOP, d);
		break;
	default:
		v = V_OTHER;
		break;
	}
	return v;
}

static int count(enum verdict v, struct vq_sip_pkt *pkt, struct vq_pcap_stats *st)
{
	switch (v) {
	case V_SIP:
		st->sip++;
		return 1;
	case V_OTHER:
		st->other++;
		break;
	case V_FRAG:
		st->fragments++;
		break;
	case V_TRUNC:
		st->truncated++;
		break;
	case V_BAD:
		st->malformed++;
		break;
	}
	memset(pkt, 0, sizeof(*pkt));
	return 0;
}

int vq_pcap_decode(int dlt, const uint8_t *frame, size_t caplen,
		   uint64_t tstamp_ns, const uint16_t *ports,
		   unsigned int nports, struct vq_sip_pkt *pkt,
		   struct vq_pcap_stats *st)
{
	struct dec d = { ports, nports, pkt, NULL };

	return count(decode_frame(dlt, frame, caplen, tstamp_ns, &d), pkt, st);
}

/*
 * IP reassembly, for SIP over UDP that a large SDP pushed past the MTU.
 * A few datagrams at a time (signalling is rarely fragmented, and never
 * many datagrams at once), each within 30 s of capture time; a datagram
 * whose pieces never all arrive is dropped, as the receiver would.
 */
#define FRAG_SLOTS 16
#define FRAG_MAX 65535
#define FRAG_TTL_NS (30 * 1000000000ULL)

struct frag_slot {
	uint8_t *buf;			/* FRAG_MAX bytes; NULL: slot free */
	uint16_t family;
	uint8_t proto;
	uint32_t id;
	uint8_t saddr[16], daddr[16];
	size_t total;			/* 0 until the last piece arrived */
	uint64_t first_ns;
	uint8_t map[(FRAG_MAX / 8 + 8) / 8];	/* 8-byte blocks received */
};

struct vq_pcap {
	pcap_t *pc;
	int dlt;
	uint16_t ports[64];
	unsigned int nports;
	struct vq_pcap_stats st;
	struct frag_slot frags[FRAG_SLOTS];
	uint8_t *whole;			/* the last reassembled datagram */
};

static void slot_free(struct frag_slot *s)
{
	free(s->buf);
	s->buf = NULL;
}

static bool same_datagram(const struct frag_slot *s, const struct frag *f)
{
	return s->family == f->family && s->proto == f->proto && s->id == f->id &&
	       memcmp(s->saddr, f->saddr, 16) == 0 &&
	       memcmp(s->daddr, f->daddr, 16) == 0;
}

static struct frag_slot *slot_get(struct vq_pcap *p, const struct frag *f,
				  uint64_t now)
{
	struct frag_slot *s, *oldest = NULL, *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < FRAG_SLOTS; i++) {
		s = &p->frags[i];
		if (s->buf && now - s->first_ns > FRAG_TTL_NS && now > s->first_ns)
			slot_free(s);
		if (!s->buf) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (same_datagram(s, f))
			return s;
		if (!oldest || s->first_ns < oldest->first_ns)
			oldest = s;
	}
	s = free_slot;
	if (!s) {
		slot_free(oldest);
		s = oldest;
	}
	memset(s, 0, sizeof(*s));
	s->buf = malloc(FRAG_MAX);
	if (!s->buf)
		return NULL;
	s->family = f->family;
	s->proto = f->proto;
	s->id = f->id;
	memcpy(s->saddr, f->saddr, 16);
	memcpy(s->daddr, f->daddr, 16);
	s->first_ns = now;
	return s;
}

/*
 * Adds a piece; returns the datagram's length once every piece is there
 * (its bytes then in p->whole), else 0.
 */
static size_t frag_add(struct vq_pcap *p, const struct frag *f, uint64_t now)
{
	struct frag_slot *s;
	size_t b, first, last, total;

	/* All but the last piece are multiples of 8 bytes (RFC 791/8200). */
	if (f->offset + f->len > FRAG_MAX || (f->more && f->len % 8) ||
	    (!f->len && f->more)) {
		p->st.malformed++;
		return 0;
	}
	s = slot_get(p, f, now);
	if (!s)
		return 0;
	if (!f->more) {
		if (s->total && s->total != f->offset + f->len) {
			slot_free(s);	/* two different ends: forged */
			p->st.malformed++;
			return 0;
		}
		s->total = f->offset + f->len;
	}
	memcpy(s->buf + f->offset, f->data, f->len);
	first = f->offset / 8;
	last = (f->offset + f->len + 7) / 8;
	for (b = first; b < last; b++)
		s->map[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!s->total)
		return 0;
	for (b = 0; b < (s->total + 7) / 8; b++)
		if (!(s->map[b / 8] & (1u << (b % 8))))
			return 0;
	total = s->total;
	/* The slot's buffer becomes the datagram; no copy. */
	free(p->whole);
	p->whole = s->buf;
	s->buf = NULL;
	return total;
}

static int reassembled(struct vq_pcap *p, const struct frag *f, size_t len,
		       uint64_t ns, struct vq_sip_pkt *pkt)
{
	struct dec d = { p->ports, p->nports, pkt, NULL };
	enum verdict v;

	memset(pkt, 0, sizeof(*pkt));
	pkt->tstamp_ns = ns;
	pkt->family = f->family;
	memcpy(pkt->saddr, f->saddr, f->family == AF_INET ? 4 : 16);
	memcpy(pkt->daddr, f->daddr, f->family == AF_INET ? 4 : 16);
	v = decode_l4(f->proto, p->whole, len, len, &d);
	if (v == V_SIP)
		p->st.reassembled++;
	return count(v, pkt, &p->st);
}

struct vq_pcap *vq_pcap_open(const char *path, const uint16_t *ports,
			     unsigned int nports, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct vq_pcap *p;

	if (nports > sizeof(p->ports) / sizeof(p->ports[0])) {
		snprintf(err, errlen, "too many SIP ports (%u)", nports);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	p->pc = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p->pc) {
		size_t n = strlen(path);
		const char *why = ebuf;

		/* Callers name the file themselves: no "PATH: PATH: ...". */
		if (strncmp(why, path, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
			why += n + 2;
		snprintf(err, errlen, "%s", why[0] ? why : "cannot open");
		free(p);
		return NULL;
	}
	p->dlt = pcap_datalink(p->pc);
	if (!vq_pcap_link_supported(p->dlt)) {
		const char *name = pcap_datalink_val_to_name(p->dlt);

		snprintf(err, errlen, "link type %d (%s) not supported", p->dlt,
			 name ? name : "unknown");
		pcap_close(p->pc);
		free(p);
		return NULL;
	}
	if (nports)
		memcpy(p->ports, ports, nports * sizeof(ports[0]));
	p->nports = nports;
	return p;
}

int vq_pcap_next(struct vq_pcap *p, struct vq_sip_pkt *pkt, char *err,
		 size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t ns;
	int r;

	for (;;) {
		r = pcap_next_ex(p->pc, &h, &data);
		if (r == PCAP_ERROR_BREAK)
			return 0;
		if (r != 1) {
			snprintf(err, errlen, "%s", pcap_geterr(p->pc));
			return -1;
		}
		p->st.frames++;
		/* Precision NANO: tv_usec holds nanoseconds. */
		ns = (uint64_t)h->ts.tv_sec * 1000000000ULL +
		     (uint64_t)h->ts.tv_usec;
		{
			struct frag f;
			struct dec d = { p->ports, p->nports, pkt, &f };
			enum verdict v = decode_frame(p->dlt, data, h->caplen, ns, &d);
			size_t len;

			if (v == V_FRAG) {
				p->st.fragments++;
				len = frag_add(p, &f, ns);
				if (len && reassembled(p, &f, len, ns, pkt))
					return 1;
				continue;
			}
			if (count(v, pkt, &p->st))
				return 1;
		}
	}
}

void vq_pcap_get_stats(const struct vq_pcap *p, struct vq_pcap_stats *st)
{
	*st = p->st;
}

int vq_pcap_datalink(const struct vq_pcap *p)
{
	return p->dlt;
}

void vq_pcap_close(struct vq_pcap *p)
{
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < FRAG_SLOTS; i++)
		slot_free(&p->frags[i]);
	free(p->whole);
	pcap_close(p->pc);
	free(p);
}
