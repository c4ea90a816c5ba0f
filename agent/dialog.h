/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls and their dialogs, driven by parsed SIP messages (RFC 3261 dialogs,
 * RFC 3264 offer/answer, RFC 3262 PRACK, RFC 3311 UPDATE): which media
 * flows each call needs right now, and the changes to that set handed to
 * the caller's flow operations the moment an answer makes them known.
 *
 * A call is one Call-ID; it holds one or more dialogs (forking: several
 * early dialogs, the first 2xx wins and the others are released). Its
 * flows are keyed like the kernel's: (family, dst, dport, kind); every flow
 * of a call carries the call's cookie, vq_call_cookie(Call-ID), so that a
 * restarted daemon can find the flows of a call again from the Call-ID
 * alone. Dependency-free: no libosip2, no netlink.
 */
#ifndef VQ_DIALOG_H
#define VQ_DIALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "bandwidth.h"
#include "config.h"
#include "sdp.h"
#include "sip.h"
#include "sip_pkt.h"

/* Cookies of agent-made flows carry this in their top byte. */
#define VQ_COOKIE_TAG 0x56ULL
#define VQ_COOKIE_IS_OURS(c) (((uint64_t)(c) >> 56) == VQ_COOKIE_TAG)
uint64_t vq_call_cookie(const char *call_id);

enum vq_flow_kind { VQ_FLOW_RTP, VQ_FLOW_RTCP };

/* One kernel flow the call wants: one direction of one stream. */
struct vq_flow_spec {
	uint64_t cookie;
	enum vq_flow_kind kind;
	enum vq_media_kind media;
	unsigned int mline;		/* index of the m= line */
	uint16_t family;
	uint8_t dst[16];		/* the receiver's SDP address */
	uint16_t dport;
	bool src_any;			/* wildcard source (latched by the kernel) */
	uint8_t src[16];		/* if !src_any */
	uint16_t sport;			/* 0 = any */
	uint8_t dscp;
	uint32_t priority;		/* skb->priority (tc classid), 0 = none */
	uint32_t mark, mark_mask;
	struct vq_bw bw;		/* codec, clock, ptime, wire_bps, burst */
	uint64_t installed_ns;		/* when add() was called */
};

enum vq_call_state {
	VQ_CALL_CALLING,	/* INVITE seen, no answer SDP yet */
	VQ_CALL_EARLY,		/* an early dialog has media (183 + answer) */
	VQ_CALL_CONFIRMED,	/* 2xx seen */
	VQ_CALL_ENDED,		/* BYE/CANCEL/final failure/timeout: flows gone */
	VQ_CALL_ADOPTED,	/* rebuilt from kernel flows after a restart */
};

#define VQ_CALL_MAX_FLOWS (2 * 2 * VQ_SDP_MAX_MEDIA)	/* dirs x rtp/rtcp */

struct vq_call {
	char call_id[VQ_SIP_ID_MAX];
	uint64_t cookie;
	char from[VQ_SIP_URI_MAX], to[VQ_SIP_URI_MAX];
	uint8_t transport;		/* IPPROTO_UDP / IPPROTO_TCP of the INVITE */
	enum vq_call_state state;
	int final_status;		/* final response to the INVITE, 0 if none yet */
	bool trusted;			/* a signalling party is trusted */
	bool held;			/* a direction was put on hold */
	uint64_t created_ns, answered_ns, ended_ns, last_ns;
	unsigned int nflows;
	/*
	 * Installed now: nflows entries (at most VQ_CALL_MAX_FLOWS; NULL while
	 * none). Allocated as needed rather than an array of 64 so that 10000
	 * tracked calls do not cost 110 MB; c->flows[i] reads the same way.
	 * The pointer may change whenever the dialog layer runs.
	 */
	struct vq_flow_spec *flows;
};

/*
 * What the dialog layer asks of its host. add() for a new flow or a changed
 * one (same key: the kernel replaces it in place), del() for one flow,
 * del_call() once when a call ends with flows (the daemon removes them by
 * cookie in one request). Return 0 or -errno; a failure is logged and
 * counted, the call's view stays what was asked (the next change retries).
 */
struct vq_flow_ops {
	int (*add)(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f);
	int (*del)(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f);
	int (*del_call)(void *ctx, const struct vq_call *c);
	/*
	 * Optional: a call was created, changed state or ended (for monitor/
	 * log). what: "created", "adopted", a state name ("early",
	 * "confirmed") or, once c->state is VQ_CALL_ENDED, why it ended
	 * ("bye", "cancel", "rejected", "dialog gone", "timeout", "dropped",
	 * "released"); "final" when the final response of an ended call
	 * arrives afterwards (the 487 after a CANCEL sets final_status).
	 */
	void (*call_event)(void *ctx, const struct vq_call *c, const char *what);
};

struct vq_dialog_stats {
	uint64_t messages;		/* messages given to vq_dialogs_input */
	uint64_t retransmissions;	/* recognised repeats, ignored */
	uint64_t calls_total, calls_active;
	uint64_t untrusted;		/* calls without a trusted party */
	uint64_t dropped_max;		/* early dialogs dropped at max_dialogs */
	uint64_t timeouts;		/* calls ended by early/idle timeout */
	uint64_t orphans;		/* in-dialog messages for no known call */
	uint64_t sdp_errors;		/* bodies that failed to parse */
	uint64_t flow_errors;		/* ops that returned an error */
	uint64_t adopted;		/* calls rebuilt from kernel flows */
};

struct vq_dialogs;

/* cfg must outlive the object (or be replaced with vq_dialogs_set_config). */
struct vq_dialogs *vq_dialogs_new(const struct vq_config *cfg,
				  const struct vq_flow_ops *ops, void *ctx);
void vq_dialogs_free(struct vq_dialogs *d);
/* New DSCP/priority/sizing apply to flows installed from now on. */
void vq_dialogs_set_config(struct vq_dialogs *d, const struct vq_config *cfg);

/*
 * One message. sdp is the parsed body (NULL if none or unparsable: then
 * sdp_error says which). pkt supplies time, transport and the signalling
 * addresses (trust check).
 */
void vq_dialogs_input(struct vq_dialogs *d, const struct vq_sip_msg *m,
		      const struct vq_sdp *sdp, bool sdp_error,
		      const struct vq_sip_pkt *pkt);
/* Timeouts; call about once a second with the current CLOCK_REALTIME. */
void vq_dialogs_tick(struct vq_dialogs *d, uint64_t now_ns);
/* The kernel expired this flow (idle): forget it; a call left without flows and without SIP ends. */
void vq_dialogs_flow_gone(struct vq_dialogs *d, const struct vq_flow_spec *f,
			  uint64_t now_ns);
/* Restart: a kernel flow with one of our cookies, grouped into an ADOPTED call. */
void vq_dialogs_adopt(struct vq_dialogs *d, const struct vq_flow_spec *f,
		      uint64_t now_ns);
/* Ends every call, releasing its flows (daemon stop with flush, replay end is NOT this). */
void vq_dialogs_release_all(struct vq_dialogs *d, uint64_t now_ns);

/*
 * Iteration over live calls in creation order; NULL at the end. Ended
 * calls are not listed (they linger 32 s internally so that the tail of
 * their signalling is recognised): record them from call_event.
 * vq_dialogs_find also finds live calls only.
 */
const struct vq_call *vq_dialogs_first(const struct vq_dialogs *d);
const struct vq_call *vq_dialogs_next(const struct vq_dialogs *d,
				      const struct vq_call *c);
const struct vq_call *vq_dialogs_find(const struct vq_dialogs *d, uint64_t cookie);
void vq_dialogs_get_stats(const struct vq_dialogs *d, struct vq_dialog_stats *s);

const char *vq_call_state_name(enum vq_call_state s);

#endif
