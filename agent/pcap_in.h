/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture files (pcap and pcapng, libpcap) decoded into the agent's input
 * packets, struct vq_sip_pkt, for `voiceqos replay`: link layer (Ethernet
 * with 802.1Q/QinQ tags and PPPoE sessions, Linux cooked v1/v2, raw IP,
 * BSD null/loopback), IPv4 (options; fragments skipped and counted) or IPv6
 * (extension headers walked), UDP or TCP. A packet is signalling when
 * either port is one of the configured SIP ports, as for the module.
 *
 * Everything is read with explicit byte assembly from bounds-checked
 * offsets: a capture is untrusted input and may be cut or made up anywhere.
 */
#ifndef VQ_PCAP_IN_H
#define VQ_PCAP_IN_H

#include <stddef.h>
#include <stdint.h>

#include "sip_pkt.h"

struct vq_pcap_stats {
	uint64_t frames;	/* records read from the file */
	uint64_t sip;		/* handed out as signalling packets */
	uint64_t other;		/* not IP, not UDP/TCP, or not on a SIP port */
	uint64_t fragments;	/* IPv4/IPv6 fragments (vq_pcap_decode: skipped) */
	uint64_t reassembled;	/* SIP datagrams rebuilt from fragments (files) */
	uint64_t truncated;	/* headers cut short by the snap length */
	uint64_t malformed;	/* impossible header fields */
};

/* The link types vq_pcap_decode understands (libpcap DLT_ values). */
enum vq_pcap_link {
	VQ_LINK_NULL = 0,	/* DLT_NULL: 4-byte AF in the writer's order */
	VQ_LINK_EN10MB = 1,
	VQ_LINK_RAW = 12,	/* DLT_RAW on Linux (LINKTYPE_RAW 101) */
	VQ_LINK_RAW14 = 14,	/* DLT_RAW on some BSDs */
	VQ_LINK_LOOP = 108,	/* DLT_LOOP: 4-byte AF, network order */
	VQ_LINK_LINUX_SLL = 113,
	VQ_LINK_IPV4 = 228,
	VQ_LINK_IPV6 = 229,
	VQ_LINK_LINUX_SLL2 = 276,
};

/* Does vq_pcap_decode know this DLT? */
int vq_pcap_link_supported(int dlt);

/*
 * One captured frame of link type dlt: caplen bytes at frame. Returns 1 and
 * fills *pkt (payload points into frame) if it is a UDP or TCP packet to or
 * from one of ports[0..nports); 0 if not (counted in *st under why).
 * pkt->len is what the capture holds of the L4 payload, pkt->full_len what
 * the IP/UDP lengths say it was.
 */
int vq_pcap_decode(int dlt, const uint8_t *frame, size_t caplen,
		   uint64_t tstamp_ns, const uint16_t *ports,
		   unsigned int nports, struct vq_sip_pkt *pkt,
		   struct vq_pcap_stats *st);

struct vq_pcap;

/*
 * Opens a capture file with nanosecond timestamps (microsecond files are
 * scaled). NULL with libpcap's message in err if it cannot be read or its
 * link type is not one of the above.
 */
struct vq_pcap *vq_pcap_open(const char *path, const uint16_t *ports,
			     unsigned int nports, char *err, size_t errlen);
/*
 * The next signalling packet: 1 (valid until the next call), 0 at the end
 * of the file, -1 with libpcap's message in err (e.g. a record cut short:
 * the packets before it were returned).
 */
int vq_pcap_next(struct vq_pcap *p, struct vq_sip_pkt *pkt, char *err,
		 size_t errlen);
void vq_pcap_get_stats(const struct vq_pcap *p, struct vq_pcap_stats *st);
int vq_pcap_datalink(const struct vq_pcap *p);
void vq_pcap_close(struct vq_pcap *p);

#endif
