/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow nest and the SIP copy nest as C structs, their (validating)
 * parsers, the flow nest builder, and their human and JSON forms. Shared
 * by flow add/del/get/list and listen so that they cannot drift apart.
 */
#ifndef VQ_PRINT_H
#define VQ_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/voiceqos.h>

#include "addr.h"
#include "json.h"

/* The type of every VOICEQOS_SIP_A_* attribute: CLI listener and daemon read copies alike. */
extern const enum mnl_attr_data_type vq_sip_attr_types[VOICEQOS_SIP_A_MAX + 1];

#define VQ_BIT(a) (1ULL << (a))

struct vq_flow {
	/* VQ_BIT(VOICEQOS_FLOW_A_*) for every attribute present */
	uint64_t present;
	uint16_t family;
	struct vq_endpoint dst, src, latched;
	uint64_t cookie;
	uint8_t media;
	uint32_t flags;
	uint8_t dscp;
	uint32_t priority;
	uint32_t mark, mark_mask;
	uint64_t rate;
	uint32_t burst, clock_rate, timeout;
	struct {
		uint64_t present;	/* VQ_BIT(VOICEQOS_FSTAT_A_*) */
		uint64_t v[VOICEQOS_FSTAT_A_MAX + 1];
	} st;
	struct {
		uint64_t present;	/* VQ_BIT(VOICEQOS_RTCP_A_*) */
		/* CUM_LOST sign-extended: read it as int64_t */
		uint64_t v[VOICEQOS_RTCP_A_MAX + 1];
	} rtcp;
};

#define VQ_HAS(f, a) (!!((f)->present & VQ_BIT(VOICEQOS_FLOW_A_##a)))
#define VQ_SET(f, a) ((f)->present |= VQ_BIT(VOICEQOS_FLOW_A_##a))
#define VQ_ST_HAS(f, a) (!!((f)->st.present & VQ_BIT(VOICEQOS_FSTAT_A_##a)))
#define VQ_ST(f, a) ((f)->st.v[VOICEQOS_FSTAT_A_##a])
#define VQ_RTCP_HAS(f, a) (!!((f)->rtcp.present & VQ_BIT(VOICEQOS_RTCP_A_##a)))
#define VQ_RTCP(f, a) ((f)->rtcp.v[VOICEQOS_RTCP_A_##a])

/* Fills f from a VOICEQOS_A_FLOW nest; -EBADMSG if it has no usable key. */
int vq_flow_parse(const struct nlattr *nest, struct vq_flow *f);
/*
 * Appends a VOICEQOS_A_FLOW nest: the key (src only where not wild) and
 * every other attribute marked present.
 */
void vq_flow_put(struct nlmsghdr *nlh, const struct vq_flow *f);
void vq_flow_print(FILE *out, const struct vq_flow *f);
void vq_flow_json(struct json *j, const struct vq_flow *f);

struct vq_sip {
	uint64_t present;	/* VQ_BIT(VOICEQOS_SIP_A_*) */
	uint8_t hook;
	uint32_t iif, oif;
	uint64_t tstamp;
	struct vq_endpoint src, dst;
	uint8_t proto;
	uint32_t tcp_seq;
	uint8_t tcp_flags;
	const char *payload;	/* points into the message */
	uint32_t payload_copied;
	uint32_t payload_len;
};

int vq_sip_nl_parse(const struct nlattr *nest, struct vq_sip *s);
void vq_sip_print(FILE *out, const struct vq_sip *s);
void vq_sip_json(struct json *j, const struct vq_sip *s);

const char *vq_hook_name(unsigned int hook);
/* C-style escaping for human output: one message stays on one line. */
void vq_escape_c(FILE *out, const char *s, size_t n);

#endif
