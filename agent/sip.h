/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIP message parsing with libosip2: the handful of facts the dialog layer
 * needs, copied out of the osip_message_t so that nothing here outlives the
 * call. No SIP grammar is written by hand; framing of a TCP byte stream is
 * in sip_frame.h.
 */
#ifndef VQ_SIP_H
#define VQ_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vq_sip_method {
	VQ_SIP_OTHER,
	VQ_SIP_INVITE,
	VQ_SIP_ACK,
	VQ_SIP_BYE,
	VQ_SIP_CANCEL,
	VQ_SIP_PRACK,
	VQ_SIP_UPDATE,
	VQ_SIP_OPTIONS,
	VQ_SIP_REGISTER,
	VQ_SIP_INFO,
	VQ_SIP_NOTIFY,
	VQ_SIP_SUBSCRIBE,
	VQ_SIP_REFER,
	VQ_SIP_MESSAGE,
};

#define VQ_SIP_ID_MAX 256	/* Call-ID, tags, branch: longer is an error */
#define VQ_SIP_URI_MAX 256	/* From/To URIs for display: longer is cut */

struct vq_sip_msg {
	bool request;
	/* The request's method, or for a response the method in its CSeq. */
	enum vq_sip_method method;
	int status;			/* response code; 0 for a request */
	uint32_t cseq;
	char call_id[VQ_SIP_ID_MAX];
	char from_tag[VQ_SIP_ID_MAX];	/* "" if absent */
	char to_tag[VQ_SIP_ID_MAX];	/* "" if absent */
	char branch[VQ_SIP_ID_MAX];	/* topmost Via branch, "" if absent */
	/* "sip:alice@example.com" (URI only), of INVITE requests; "" else */
	char from[VQ_SIP_URI_MAX];
	char to[VQ_SIP_URI_MAX];
	/* Reliable provisional responses (RFC 3262). */
	uint32_t rseq;			/* RSeq of a response, 0 if none */
	uint32_t rack_rseq, rack_cseq;	/* RAck of a PRACK, 0 if none */
	bool require_100rel;		/* Require: 100rel present */
	/*
	 * The session description: the body when Content-Type is
	 * application/sdp, or the first application/sdp part of a multipart
	 * body. NUL-terminated heap copy owned by the message; NULL if none.
	 */
	char *sdp;
	size_t sdp_len;
};

/* Once per process, before any parse (osip's parser tables). */
void vq_sip_init(void);

/*
 * Parses one complete message (UDP datagram or a frame cut by
 * vq_sip_frame). Returns 0, or -1 with a one-line reason in err, e.g.
 * "missing Call-ID" or "libosip2 could not parse the message". m need not
 * be initialised; after 0, release it with vq_sip_msg_free.
 */
int vq_sip_parse(const char *buf, size_t len, struct vq_sip_msg *m,
		 char *err, size_t errlen);
void vq_sip_msg_free(struct vq_sip_msg *m);

const char *vq_sip_method_name(enum vq_sip_method m);

#endif
