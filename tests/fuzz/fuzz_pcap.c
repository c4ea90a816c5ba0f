// SPDX-License-Identifier: GPL-2.0
/*
 * The capture decoder of `voiceqos replay` (agent/pcap_in.c): link layers
 * (Ethernet with VLAN/QinQ/PPPoE, Linux cooked v1/v2, raw IP, BSD null and
 * loop), IPv4 options, IPv6 extension headers, UDP/TCP, IP fragment
 * reassembly.
 *
 * Input: byte 0 chooses the file: bits 0-3 the link type (links[]), bit 4
 * nanosecond timestamps, bit 5 the other byte order, bit 6 pcapng instead
 * of pcap, bit 7 a snap length of 128. Byte 1 chooses the SIP ports
 * (bit 0: 5060 only, else 5060 and 5080; bit 1: also port 0). Then
 * records: 2 bytes captured length (big-endian), 1 byte time step in
 * seconds, 1 byte "bytes not captured" (original length - captured), the
 * frame.
 *
 * Each frame goes to vq_pcap_decode directly, from a heap copy of exactly
 * its captured length (libpcap's own buffer is larger and would hide a
 * read past the frame from ASan); then the whole file, written into a
 * memfd, is read with vq_pcap_open/vq_pcap_next as replay reads it, which
 * adds fragment reassembly. Invariants: a packet handed out is UDP or TCP
 * of a sane family, on a SIP port, its payload inside the frame and never
 * longer than the packet says it was; the counters add up.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "pcap_in.h"

static const uint32_t links[16] = {
	0, 1, 101, 12, 14, 108, 113, 228, 229, 276, 1, 1, 113, 101, 147, 105,
};

struct out {
	uint8_t *b;
	size_t len, cap;
	bool swap;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2;
		uint8_t *b = realloc(o->b, cap);

		if (!b)
			vq_fuzz_fail("out of memory");
		o->b = b;
		o->cap = cap;
	}
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = { v, v >> 8 };

	if (o->swap) {
		b[0] = v >> 8;
		b[1] = v;
	}
	put(o, b, 2);
}

static void put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	if (o->swap) {
		b[0] = v >> 24;
		b[1] = v >> 16;
		b[2] = v >> 8;
		b[3] = v;
	}
	put(o, b, 4);
}

/* VQ_FUZZ_TRACE=1 in the environment: every packet decoded on stderr. */
static bool trace;
/* Global, so that reading the payloads is not optimised away. */
uint8_t payload_sum;

static void check_pkt(const struct vq_sip_pkt *p, const uint16_t *ports, unsigned int n)
{
	bool on_port = false;

	if (trace)
		fprintf(stderr, "packet family %u proto %u %u -> %u, %zu of %zu bytes\n",
			p->family, p->l4proto, p->sport, p->dport, p->len, p->full_len);

	if (p->family != AF_INET && p->family != AF_INET6)
		vq_fuzz_fail("packet of family %u", p->family);
	if (p->l4proto != IPPROTO_UDP && p->l4proto != IPPROTO_TCP)
		vq_fuzz_fail("packet of protocol %u", p->l4proto);
	if (p->len > p->full_len)
		vq_fuzz_fail("payload of %zu bytes, the packet says %zu", p->len, p->full_len);
	if (p->full_len > 65535)
		vq_fuzz_fail("payload length %zu", p->full_len);
	if (p->len && !p->payload)
		vq_fuzz_fail("payload length %zu without payload", p->len);
	for (unsigned int i = 0; i < n; i++)
		if (p->sport == ports[i] || p->dport == ports[i])
			on_port = true;
	if (!on_port)
		vq_fuzz_fail("packet %u -> %u on no SIP port", p->sport, p->dport);
	/* Read it all: ASan sees a payload pointing outside its buffer. */
	for (size_t i = 0; i < p->len; i++)
		payload_sum += p->payload[i];
}

static void from_file(const struct out *o, const uint16_t *ports, unsigned int nports,
		      unsigned int frames)
{
	struct vq_pcap_stats st;
	struct vq_sip_pkt pkt;
	struct vq_pcap *p;
	char path[64], err[256];
	unsigned int got = 0;
	int fd = memfd_create("vq-fuzz-pcap", MFD_CLOEXEC), r;

	if (fd < 0)
		vq_fuzz_fail("memfd_create failed");
	if (write(fd, o->b, o->len) != (ssize_t)o->len)
		vq_fuzz_fail("write to memfd failed");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	p = vq_pcap_open(path, ports, nports, err, sizeof(err));
	if (!p) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			vq_fuzz_fail("vq_pcap_open failed without a message");
		if (trace)
			fprintf(stderr, "file refused: %s\n", err);
		close(fd);
		return;
	}
	vq_pcap_datalink(p);
	if (trace)
		fprintf(stderr, "file: link type %d\n", vq_pcap_datalink(p));
	while ((r = vq_pcap_next(p, &pkt, err, sizeof(err))) == 1) {
		check_pkt(&pkt, ports, nports);
		if (++got > 2 * frames + 1)
			vq_fuzz_fail("%u packets out of %u frames", got, frames);
	}
	vq_pcap_get_stats(p, &st);
	if (trace)
		fprintf(stderr, "file: %d, %llu frames, %llu fragments, %llu rebuilt\n", r,
			(unsigned long long)st.frames, (unsigned long long)st.fragments,
			(unsigned long long)st.reassembled);
	if (st.frames > frames)
		vq_fuzz_fail("%llu frames counted, %u written", (unsigned long long)st.frames,
			     frames);
	if (st.sip != got)
		vq_fuzz_fail("%u packets handed out, %llu counted", got,
			     (unsigned long long)st.sip);
	if (st.reassembled > st.fragments)
		vq_fuzz_fail("more datagrams rebuilt than fragments");
	vq_pcap_close(p);
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("VQ_FUZZ_TRACE") != NULL;
	vq_fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports_a[] = { 5060 }, ports_b[] = { 5060, 5080, 0 };
	struct out o = { 0 };
	const uint16_t *ports;
	unsigned int nports, frames = 0;
	uint32_t link, snap, sec = 1700000000;
	bool nano, ng;
	size_t off = 2;

	if (size < 2)
		return 0;
	link = links[data[0] & 15];
	nano = data[0] & 16;
	o.swap = data[0] & 32;
	ng = data[0] & 64;
	snap = data[0] & 128 ? 128 : 262144;
	ports = data[1] & 1 ? ports_a : ports_b;
	nports = data[1] & 1 ? 1 : 2 + !!(data[1] & 2);

	if (ng) {
		/* Section header (28 bytes) and one interface (20 bytes). */
		put32(&o, 0x0a0d0d0a);
		put32(&o, 28);
		put32(&o, 0x1a2b3c4d);
		put16(&o, 1);
		put16(&o, 0);
		put32(&o, 0xffffffff);
		put32(&o, 0xffffffff);
		put32(&o, 28);
		put32(&o, 1);
		put32(&o, 20);
		put16(&o, (uint16_t)link);
		put16(&o, 0);
		put32(&o, snap);
		put32(&o, 20);
	} else {
		put32(&o, nano ? 0xa1b23c4d : 0xa1b2c3d4);
		put16(&o, 2);
		put16(&o, 4);
		put32(&o, 0);
		put32(&o, 0);
		put32(&o, snap);
		put32(&o, link);
	}
	while (off + 4 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		uint32_t extra = data[off + 3];
		struct vq_pcap_stats st = { 0 };
		struct vq_sip_pkt pkt;
		uint8_t *frame;

		sec += data[off + 2];
		off += 4;
		if (len > size - off)
			len = size - off;
		/* The decoder alone, on exactly the captured bytes. */
		frame = malloc(len ? len : 1);
		if (!frame)
			break;
		memcpy(frame, data + off, len);
		if (vq_pcap_link_supported((int)link) &&
		    vq_pcap_decode((int)link, frame, len, (uint64_t)sec * 1000000000ULL,
				   ports, nports, &pkt, &st) == 1) {
			check_pkt(&pkt, ports, nports);
			if (pkt.payload < frame || pkt.payload + pkt.len > frame + len)
				vq_fuzz_fail("payload outside the frame");
		}
		free(frame);
		if (ng) {
			size_t pad = (4 - len % 4) % 4;
			uint64_t ts = (uint64_t)sec * 1000000;
			static const uint8_t zero[4];

			put32(&o, 6);
			put32(&o, (uint32_t)(32 + len + pad));
			put32(&o, 0);
			put32(&o, (uint32_t)(ts >> 32));
			put32(&o, (uint32_t)ts);
			put32(&o, (uint32_t)len);
			put32(&o, (uint32_t)(len + extra));
			put(&o, data + off, len);
			put(&o, zero, pad);
			put32(&o, (uint32_t)(32 + len + pad));
		} else {
			put32(&o, sec);
			put32(&o, 0);
			put32(&o, (uint32_t)len);
			put32(&o, (uint32_t)(len + extra));
			put(&o, data + off, len);
		}
		off += len;
		frames++;
	}
	from_file(&o, ports, nports, frames);
	free(o.b);
	return 0;
}
