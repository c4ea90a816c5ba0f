/* SPDX-License-Identifier: GPL-2.0 */
/*
 * voiceqos plan: link sizing for N simultaneous calls of one codec, from
 * the same arithmetic (bandwidth.c) that sizes the daemon's reservations,
 * beside the usual rule of thumb "calls x codec bandwidth x 1.25".
 */
#ifndef VQ_PLAN_H
#define VQ_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bandwidth.h"

#define VQ_PLAN_MAX_CALLS 100000U

struct vq_plan {
	uint32_t calls;
	const char *link;	/* as given: ethernet, vlan, pppoe, ipv6, none, N */
	uint16_t family;	/* AF_INET, or AF_INET6 for --link ipv6 */
	unsigned int l2_overhead;
	uint32_t ptime_asked;	/* 0: the codec's default */
	struct vq_bw rtp;	/* one call, one direction */
	struct vq_bw rtcp;
	uint64_t call_bps;	/* RTP on the wire, per call and direction */
	uint64_t total_bps;	/* calls x call_bps */
	uint64_t reserved_call_bps;	/* RTP + RTCP: what voiceqosd reserves */
	uint64_t reserved_total_bps;
	uint64_t thumb_call_bps;	/* payload x 1.25 */
	uint64_t thumb_total_bps;
};

/*
 * Fills p for calls calls of codec at ptime_ms (0: default) over link.
 * Returns 0, or -1 with *why set: "codec" (unknown codec name) or "link".
 */
int vq_plan(struct vq_plan *p, uint32_t calls, const char *codec,
	    uint32_t ptime_ms, const char *link, const char **why);
/* The human table or one JSON object (with a newline) to f. */
void vq_plan_print(FILE *f, const struct vq_plan *p, bool json);
/* "PCMU, PCMA, ..." into buf. */
void vq_plan_codecs(char *buf, size_t len);

#endif
