/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP stream reassembly for SIP over TCP, one direction of one connection
 * at a time, fed with the copies the module mirrors (sequence number + the
 * segment's payload). Segments are put in order within a bounded window;
 * retransmissions and overlaps are trimmed; complete messages are cut with
 * vq_sip_frame and handed to a callback. Bounded everywhere: connections
 * (LRU eviction), bytes buffered per direction, idle time. Dependency-free.
 */
#ifndef VQ_TCP_REASM_H
#define VQ_TCP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "sip_pkt.h"

struct vq_reasm;

struct vq_reasm_limits {
	unsigned int max_streams;	/* directions tracked; default 4096 */
	size_t window;			/* bytes buffered per direction; 128 KiB */
	uint64_t idle_ns;		/* stream forgotten after; 300 s */
};

struct vq_reasm_stats {
	uint64_t segments;	/* segments fed */
	uint64_t messages;	/* messages emitted */
	uint64_t retransmits;	/* segments (or parts) already seen */
	uint64_t out_of_order;	/* segments held for a gap */
	uint64_t gaps;		/* streams resynchronised after a lost gap */
	uint64_t overflows;	/* window exceeded: data dropped, stream reset */
	uint64_t frame_errors;	/* unframeable data skipped */
	uint64_t evicted;	/* streams dropped for max_streams */
	uint64_t streams;	/* tracked now */
};

/*
 * Called with each complete message; pkt is the segment that completed it
 * (its metadata: addresses, ports, time). Returns nothing: the reassembler
 * does not care what the caller made of the message.
 */
typedef void (*vq_reasm_cb)(void *ctx, const struct vq_sip_pkt *pkt,
			    const char *msg, size_t len);

/* NULL limits = defaults. NULL on allocation failure. */
struct vq_reasm *vq_reasm_new(const struct vq_reasm_limits *lim);
void vq_reasm_free(struct vq_reasm *r);
/* One TCP segment (pkt->l4proto == IPPROTO_TCP). */
void vq_reasm_input(struct vq_reasm *r, const struct vq_sip_pkt *pkt,
		    vq_reasm_cb cb, void *ctx);
/* Forget streams idle since before now_ns - idle_ns. */
void vq_reasm_expire(struct vq_reasm *r, uint64_t now_ns);
void vq_reasm_get_stats(const struct vq_reasm *r, struct vq_reasm_stats *s);

#endif
