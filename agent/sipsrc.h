/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's SIP input: a generic netlink socket of its own subscribed
 * to the module's "sip" multicast group, with the receive buffer of
 * [daemon] sip_rcvbuf (a burst of INVITEs with SDP is megabytes; when it
 * overflows, the kernel drops copies and reports ENOBUFS once), each
 * VOICEQOS_CMD_SIP_COPY
 * decoded into the struct vq_sip_pkt that the engine (and replay) takes.
 */
#ifndef VQ_SIPSRC_H
#define VQ_SIPSRC_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "genl.h"
#include "sip_pkt.h"

struct vq_sipsrc_stats {
	uint64_t copies;	/* SIP_COPY messages decoded and handed on */
	uint64_t bad;		/* messages that did not decode */
	uint64_t overruns;	/* ENOBUFS: copies lost in the socket */
};

struct vq_sipsrc {
	struct genl g;
	bool open;
	struct vq_sipsrc_stats st;
	int rcvbuf;		/* as the kernel reports it (twice the request) */
};

typedef void (*vq_sipsrc_fn)(void *ctx, const struct vq_sip_pkt *pkt);

/*
 * Decodes one netlink message of the voiceqos family (id family_id).
 * Returns 0 with *pkt filled (payload points into nlh), 1 if the message is
 * not a SIP copy (ignored), -EBADMSG if it is one but malformed.
 */
int vq_sipsrc_decode(const struct nlmsghdr *nlh, uint16_t family_id,
		     struct vq_sip_pkt *pkt);

/*
 * Opens with a receive buffer of rcvbuf bytes, resolves the family and
 * joins "sip". -ENOENT: module absent.
 */
int vq_sipsrc_open(struct vq_sipsrc *s, uint32_t rcvbuf);
/*
 * Sets the receive buffer of an open source (a reload); returns the size
 * the kernel reports, or -errno (the old size stays).
 */
int vq_sipsrc_set_rcvbuf(struct vq_sipsrc *s, uint32_t bytes);
void vq_sipsrc_close(struct vq_sipsrc *s);
/*
 * Reads what one recv returns and calls fn per copy. -ENOBUFS (counted)
 * when the kernel dropped copies: the caller resyncs. -EAGAIN: nothing.
 */
int vq_sipsrc_read(struct vq_sipsrc *s, vq_sipsrc_fn fn, void *ctx);
/* Copies the kernel could not queue on this socket (0 if unknown). */
uint64_t vq_sipsrc_lost(const struct vq_sipsrc *s);

#endif
