// SPDX-License-Identifier: GPL-2.0
/*
 * The input path shared by voiceqosd and `voiceqos replay` (engine.h):
 * TLS is recognised and counted, UDP datagrams are one message each, TCP
 * goes through the reassembler, then libosip2 and the SDP parser, then the
 * dialogs.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "log.h"
#include "sdp.h"
#include "sip.h"

#define SIPS_PORT 5061
#define TLS_SEEN 64		/* streams already logged as TLS */

struct vq_engine {
	const struct vq_config *cfg;
	struct vq_dialogs *dialogs;
	struct vq_reasm *reasm;
	struct vq_sdp *sdp;		/* parse scratch: ~32 KiB, not on the stack */
	uint64_t tls_seen[TLS_SEEN];	/* ring of logged stream hashes */
	unsigned int tls_pos;
	struct vq_engine_stats st;
};

/* libosip2's parser tables are process-wide; set them up once. */
static void sip_init_once(void)
{
	static bool done;

	if (!done) {
		vq_sip_init();
		done = true;
	}
}

struct vq_engine *vq_engine_new(const struct vq_config *cfg,
				const struct vq_flow_ops *ops, void *ctx)
{
	struct vq_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	sip_init_once();
	e->cfg = cfg;
	e->sdp = malloc(sizeof(*e->sdp));
	e->dialogs = vq_dialogs_new(cfg, ops, ctx);
	e->reasm = vq_reasm_new(NULL);
	if (!e->sdp || !e->dialogs || !e->reasm) {
		vq_engine_free(e);
		return NULL;
	}
	return e;
}

void vq_engine_free(struct vq_engine *e)
{
	if (!e)
		return;
	vq_dialogs_free(e->dialogs);
	vq_reasm_free(e->reasm);
	free(e->sdp);
	free(e);
}

void vq_engine_set_config(struct vq_engine *e, const struct vq_config *cfg)
{
	e->cfg = cfg;
	vq_dialogs_set_config(e->dialogs, cfg);
}

struct vq_dialogs *vq_engine_dialogs(struct vq_engine *e)
{
	return e->dialogs;
}

static const char *pkt_peer(const struct vq_sip_pkt *pkt, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?", b[INET6_ADDRSTRLEN] = "?";

	inet_ntop(pkt->family, pkt->saddr, a, sizeof(a));
	inet_ntop(pkt->family, pkt->daddr, b, sizeof(b));
	snprintf(buf, len, "%s %s:%u > %s:%u", pkt->l4proto == IPPROTO_TCP ? "tcp" : "udp",
		 a, pkt->sport, b, pkt->dport);
	return buf;
}

/* One message, framed: parse, SDP, dialogs. */
static void message(struct vq_engine *e, const struct vq_sip_pkt *pkt,
		    const char *buf, size_t len)
{
	struct vq_sip_msg m;
	char err[160], where[128];
	bool sdp_error = false;
	const struct vq_sdp *sdp = NULL;

	e->st.messages++;
	if (vq_sip_parse(buf, len, &m, err, sizeof(err)) < 0) {
		e->st.parse_errors++;
		vq_debug("%s: SIP message refused: %s", pkt_peer(pkt, where, sizeof(where)), err);
		return;
	}
	if (m.sdp) {
		if (vq_sdp_parse(m.sdp, m.sdp_len, e->sdp, err, sizeof(err)) < 0) {
			sdp_error = true;
			vq_info("call %s: SDP refused: %s", m.call_id, err);
		} else {
			sdp = e->sdp;
		}
	}
	vq_dialogs_input(e->dialogs, &m, sdp, sdp_error, pkt);
	vq_sip_msg_free(&m);
}

static void reasm_cb(void *ctx, const struct vq_sip_pkt *pkt, const char *msg, size_t len)
{
	message(ctx, pkt, msg, len);
}

static uint64_t stream_hash(const struct vq_sip_pkt *pkt)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t k[40];
	size_t al = pkt->family == AF_INET6 ? 16 : 4;

	/* Both directions of a connection hash alike: order the ends. */
	const uint8_t *a = pkt->saddr, *b = pkt->daddr;
	uint16_t pa = pkt->sport, pb = pkt->dport;

	if (memcmp(a, b, al) > 0 || (!memcmp(a, b, al) && pa > pb)) {
		a = pkt->daddr;
		b = pkt->saddr;
		pa = pkt->dport;
		pb = pkt->sport;
	}
	memcpy(k, a, al);
	memcpy(k + al, b, al);
	memcpy(k + 2 * al, &pa, 2);
	memcpy(k + 2 * al + 2, &pb, 2);
	k[2 * al + 4] = pkt->l4proto;
	for (size_t i = 0; i < 2 * al + 5; i++) {
		h ^= k[i];
		h *= 0x100000001b3ULL;
	}
	return h | 1;	/* 0 marks an empty ring slot */
}

/*
 * SIP over TLS (port 5061, or a TLS record header on a TCP stream) cannot
 * be read: count every such packet, say so once per stream.
 */
static bool is_tls(struct vq_engine *e, const struct vq_sip_pkt *pkt)
{
	char where[128];
	uint64_t h;
	bool tls = pkt->sport == SIPS_PORT || pkt->dport == SIPS_PORT;

	if (!tls && pkt->l4proto == IPPROTO_TCP && pkt->len >= 2 &&
	    (pkt->payload[0] == 0x16 || pkt->payload[0] == 0x17) && pkt->payload[1] == 0x03)
		tls = true;
	if (!tls)
		return false;
	e->st.tls++;
	h = stream_hash(pkt);
	for (unsigned int i = 0; i < TLS_SEEN; i++)
		if (e->tls_seen[i] == h)
			return true;
	e->tls_seen[e->tls_pos] = h;
	e->tls_pos = (e->tls_pos + 1) % TLS_SEEN;
	vq_warn("%s: SIP over TLS cannot be read; its calls get no reservation",
		pkt_peer(pkt, where, sizeof(where)));
	return true;
}

static bool only_crlf(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

void vq_engine_input(struct vq_engine *e, const struct vq_sip_pkt *pkt)
{
	e->st.packets++;
	if (pkt->family != AF_INET && pkt->family != AF_INET6)
		return;
	if (is_tls(e, pkt))
		return;
	if (pkt->len < pkt->full_len) {
		char where[128];

		e->st.truncated++;
		vq_debug("%s: copy truncated to %zu of %zu bytes",
			 pkt_peer(pkt, where, sizeof(where)), pkt->len, pkt->full_len);
	}
	if (pkt->l4proto == IPPROTO_TCP) {
		/* Truncated segments too: the reassembler knows the part it
		 * never gets (full_len) and resynchronises after it. */
		vq_reasm_input(e->reasm, pkt, reasm_cb, e);
		return;
	}
	if (pkt->l4proto != IPPROTO_UDP || pkt->len < pkt->full_len)
		return;		/* a cut datagram is a lost message */
	if (only_crlf(pkt->payload, pkt->len)) {
		e->st.keepalives++;
		return;
	}
	message(e, pkt, (const char *)pkt->payload, pkt->len);
}

void vq_engine_tick(struct vq_engine *e, uint64_t now_ns)
{
	vq_reasm_expire(e->reasm, now_ns);
	vq_dialogs_tick(e->dialogs, now_ns);
}

void vq_engine_get_stats(const struct vq_engine *e, struct vq_engine_stats *s)
{
	*s = e->st;
	vq_reasm_get_stats(e->reasm, &s->tcp);
	vq_dialogs_get_stats(e->dialogs, &s->dialogs);
}
