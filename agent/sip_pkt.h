/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One signalling packet as the agent's input path sees it: exactly what the
 * module's SIP_COPY carries (metadata + L4 payload). The daemon fills it
 * from netlink, `voiceqos replay` from a capture file, the tests by hand, so
 * that all three run the same code from here on.
 */
#ifndef VQ_SIP_PKT_H
#define VQ_SIP_PKT_H

#include <stddef.h>
#include <stdint.h>

struct vq_sip_pkt {
	uint64_t tstamp_ns;	/* CLOCK_REALTIME (capture time in replay) */
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t l4proto;	/* IPPROTO_UDP or IPPROTO_TCP */
	uint8_t hook;		/* NF_INET_*; 0 in replay */
	uint32_t iif, oif;	/* ifindexes, 0 if unknown */
	uint8_t saddr[16];	/* network byte order, 4 or 16 bytes used */
	uint8_t daddr[16];
	uint16_t sport, dport;	/* host byte order */
	uint32_t tcp_seq;	/* TCP: sequence number of payload[0] */
	uint8_t tcp_flags;	/* TCP: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	const uint8_t *payload;
	size_t len;		/* bytes at payload */
	size_t full_len;	/* the packet's payload length; > len if truncated */
};

#endif
