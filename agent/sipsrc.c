// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/sock_diag.h>
#include <linux/voiceqos.h>

#include "log.h"
#include "print.h"
#include "sipsrc.h"

/* Attributes of the SIP nest we do not know are skipped; a known one of the wrong type fails. */
static int sip_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= 0 || type > VOICEQOS_SIP_A_MAX || !vq_sip_attr_types[type])
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, vq_sip_attr_types[type]) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static bool get_addr(const struct nlattr *a, size_t alen, uint8_t *out)
{
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return false;
	memcpy(out, mnl_attr_get_payload(a), alen);
	return true;
}

int vq_sipsrc_decode(const struct nlmsghdr *nlh, uint16_t family_id,
		     struct vq_sip_pkt *pkt)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	const struct nlattr *sa[VOICEQOS_SIP_A_MAX + 1] = { 0 };
	const struct genlmsghdr *gh = genl_hdr(nlh);
	size_t alen;

	if (nlh->nlmsg_type != family_id || !gh ||
	    gh->cmd != VOICEQOS_CMD_SIP_COPY)
		return 1;
	if (genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 || !tb[VOICEQOS_A_SIP] ||
	    mnl_attr_validate(tb[VOICEQOS_A_SIP], MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(tb[VOICEQOS_A_SIP], sip_attr_cb, sa) < 0)
		return -EBADMSG;
	memset(pkt, 0, sizeof(*pkt));
	/*
	 * The engine keys TCP streams and dialogs on both endpoints: a copy
	 * without them, or of a protocol we cannot frame, is useless.
	 */
	if (!sa[VOICEQOS_SIP_A_FAMILY] || !sa[VOICEQOS_SIP_A_L4PROTO] ||
	    !sa[VOICEQOS_SIP_A_SRC_PORT] || !sa[VOICEQOS_SIP_A_DST_PORT])
		return -EBADMSG;
	pkt->family = mnl_attr_get_u16(sa[VOICEQOS_SIP_A_FAMILY]);
	alen = pkt->family == AF_INET ? 4 : pkt->family == AF_INET6 ? 16 : 0;
	pkt->l4proto = mnl_attr_get_u8(sa[VOICEQOS_SIP_A_L4PROTO]);
	if (!alen || (pkt->l4proto != IPPROTO_UDP && pkt->l4proto != IPPROTO_TCP) ||
	    !get_addr(sa[VOICEQOS_SIP_A_SRC_ADDR], alen, pkt->saddr) ||
	    !get_addr(sa[VOICEQOS_SIP_A_DST_ADDR], alen, pkt->daddr))
		return -EBADMSG;
	pkt->sport = mnl_attr_get_u16(sa[VOICEQOS_SIP_A_SRC_PORT]);
	pkt->dport = mnl_attr_get_u16(sa[VOICEQOS_SIP_A_DST_PORT]);
	if (sa[VOICEQOS_SIP_A_TSTAMP])
		pkt->tstamp_ns = mnl_attr_get_u64(sa[VOICEQOS_SIP_A_TSTAMP]);
	if (sa[VOICEQOS_SIP_A_HOOK])
		pkt->hook = mnl_attr_get_u8(sa[VOICEQOS_SIP_A_HOOK]);
	if (sa[VOICEQOS_SIP_A_IIF])
		pkt->iif = mnl_attr_get_u32(sa[VOICEQOS_SIP_A_IIF]);
	if (sa[VOICEQOS_SIP_A_OIF])
		pkt->oif = mnl_attr_get_u32(sa[VOICEQOS_SIP_A_OIF]);
	if (pkt->l4proto == IPPROTO_TCP) {
		/* Reassembly cannot place a segment without its sequence number. */
		if (!sa[VOICEQOS_SIP_A_TCP_SEQ])
			return -EBADMSG;
		pkt->tcp_seq = mnl_attr_get_u32(sa[VOICEQOS_SIP_A_TCP_SEQ]);
		if (sa[VOICEQOS_SIP_A_TCP_FLAGS])
			pkt->tcp_flags = mnl_attr_get_u8(sa[VOICEQOS_SIP_A_TCP_FLAGS]);
	}
	if (sa[VOICEQOS_SIP_A_PAYLOAD]) {
		pkt->payload = mnl_attr_get_payload(sa[VOICEQOS_SIP_A_PAYLOAD]);
		pkt->len = mnl_attr_get_payload_len(sa[VOICEQOS_SIP_A_PAYLOAD]);
	}
	pkt->full_len = sa[VOICEQOS_SIP_A_PAYLOAD_LEN] ?
			mnl_attr_get_u32(sa[VOICEQOS_SIP_A_PAYLOAD_LEN]) : pkt->len;
	/* A copy longer than the packet it was cut from is a lie. */
	if (pkt->full_len < pkt->len)
		return -EBADMSG;
	return 0;
}

int vq_sipsrc_set_rcvbuf(struct vq_sipsrc *s, uint32_t bytes)
{
	int fd = genl_fd(&s->g), sz = bytes > INT_MAX / 2 ? INT_MAX / 2 : (int)bytes;
	socklen_t len = sizeof(sz);

	/* FORCE lifts rmem_max for root; plain SO_RCVBUF is the fallback. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0) {
		vq_warn("sip socket: SO_RCVBUF %d: %s", sz, strerror(errno));
		return -errno;
	}
	/* What the kernel made of it (doubled, clamped): worth a log line. */
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, &len) < 0)
		return -errno;
	s->rcvbuf = sz;
	return sz;
}

int vq_sipsrc_open(struct vq_sipsrc *s, uint32_t rcvbuf)
{
	int r, fd;
	uint32_t grp;

	memset(s, 0, sizeof(*s));
	r = genl_open(&s->g);
	if (r < 0)
		return r;
	r = genl_resolve(&s->g, VOICEQOS_GENL_NAME);
	if (r < 0)
		goto fail;
	grp = genl_group(&s->g, VOICEQOS_MCGRP_SIP);
	if (!grp) {
		r = -ENOENT;
		goto fail;
	}
	fd = genl_fd(&s->g);
	vq_sipsrc_set_rcvbuf(s, rcvbuf);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	r = genl_subscribe(&s->g, grp);
	if (r < 0)
		goto fail;
	s->open = true;
	return 0;
fail:
	genl_close(&s->g);
	return r;
}

void vq_sipsrc_close(struct vq_sipsrc *s)
{
	if (s->open)
		genl_close(&s->g);
	s->open = false;
}

struct read_ctx {
	struct vq_sipsrc *s;
	vq_sipsrc_fn fn;
	void *ctx;
};

static int read_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *rc = data;
	struct vq_sip_pkt pkt;
	int r = vq_sipsrc_decode(nlh, rc->s->g.family, &pkt);

	if (r < 0) {
		rc->s->st.bad++;
		vq_debug("sip: undecodable SIP copy (%u bytes)", nlh->nlmsg_len);
	} else if (r == 0) {
		rc->s->st.copies++;
		rc->fn(rc->ctx, &pkt);
	}
	return 0;
}

uint64_t vq_sipsrc_lost(const struct vq_sipsrc *s)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	/* sk_drops: what netlink_overrun counted, one per copy not queued. */
	if (!s->open ||
	    getsockopt(genl_fd(&s->g), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

int vq_sipsrc_read(struct vq_sipsrc *s, vq_sipsrc_fn fn, void *ctx)
{
	struct read_ctx rc = { s, fn, ctx };
	int r = genl_recv(&s->g, read_cb, &rc);

	if (r == -ENOBUFS)
		s->st.overruns++;
	if (r == -EWOULDBLOCK)
		r = -EAGAIN;
	return r;
}
