/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's whole input path, shared by voiceqosd and `voiceqos replay`:
 * signalling packet -> (TLS? counted) -> UDP datagram or TCP reassembly ->
 * libosip2 message -> SDP -> dialogs -> flow operations.
 */
#ifndef VQ_ENGINE_H
#define VQ_ENGINE_H

#include <stdint.h>

#include "config.h"
#include "dialog.h"
#include "sip_pkt.h"
#include "tcp_reasm.h"

struct vq_engine_stats {
	uint64_t packets;	/* packets given to vq_engine_input */
	uint64_t messages;	/* SIP messages framed (UDP + TCP) */
	uint64_t parse_errors;	/* messages libosip2 (or our checks) refused */
	uint64_t truncated;	/* copies cut short by the module */
	uint64_t tls;		/* packets that look like TLS: cannot be read */
	uint64_t keepalives;	/* CRLF keep-alives and empty datagrams */
	struct vq_reasm_stats tcp;
	struct vq_dialog_stats dialogs;
};

struct vq_engine;

struct vq_engine *vq_engine_new(const struct vq_config *cfg,
				const struct vq_flow_ops *ops, void *ctx);
void vq_engine_free(struct vq_engine *e);
void vq_engine_set_config(struct vq_engine *e, const struct vq_config *cfg);
void vq_engine_input(struct vq_engine *e, const struct vq_sip_pkt *pkt);
void vq_engine_tick(struct vq_engine *e, uint64_t now_ns);
struct vq_dialogs *vq_engine_dialogs(struct vq_engine *e);
void vq_engine_get_stats(const struct vq_engine *e, struct vq_engine_stats *s);

#endif
