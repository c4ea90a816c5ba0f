// SPDX-License-Identifier: GPL-2.0
/*
 * nltest: raw generic netlink tester for the voiceqos family.
 *
 *   nltest [malformed]        hand-built malformed requests, each must fail
 *                             with the expected errno and an extack message;
 *                             bracketed by a valid FLOW_NEW/FLOW_DEL control
 *                             and a final check that no flow was created.
 *                             Run it in a namespace of its own: it flushes.
 *   nltest eperm              as an unprivileged user: every command and
 *                             joining the "sip" group must fail with EPERM.
 *   nltest family-missing [NAME]
 *                             resolving NAME (default "vqos_missing")
 *                             must fail cleanly with ENOENT.
 *   nltest add-flows N ADDR PORT
 *                             installs N exact flows dst ADDR:PORT..PORT+N-1
 *                             with one socket (fast table filling); prints
 *                             "added N" or stops at the first error with
 *                             "error at I: errno=E extack=...".
 *
 * Every case prints one line:
 *   ok - CASE: errno=EINVAL extack="..."
 *   not ok - CASE: <why>
 * Exit status: 0 if every case passed, 1 otherwise.
 */
#include "common.h"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/voiceqos.h>
#include <sys/time.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

static struct mnl_socket *nl;
static unsigned int portid, seq_no = 1;
static uint16_t family_id;
static uint32_t grp_sip, grp_events;
static int failures;

struct reply {
	int err;		/* 0 or -errno from the NLMSG_ERROR / DONE */
	char extack[512];	/* NLMSGERR_ATTR_MSG, "" if none */
	int offs;		/* NLMSGERR_ATTR_OFFS, -1 if none */
	int data_msgs;		/* replies of the family seen before the ack */
};

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EMSGSIZE: return "EMSGSIZE";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return strerror(e);
	}
}

static int ext_attr_cb(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(r->extack, sizeof(r->extack), "%s", mnl_attr_get_str(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			r->offs = (int)mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static void parse_err(const struct nlmsghdr *nlh, struct reply *r)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return;
	r->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (mnl_nlmsg_size(off) < nlh->nlmsg_len)
		mnl_attr_parse(nlh, (unsigned int)off, ext_attr_cb, r);
}

/* Send NLH and read until its ack / error / end of dump. */
static void transact(struct nlmsghdr *nlh, struct reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	memset(r, 0, sizeof(*r));
	r->offs = -1;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq_no++;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r->err = -errno;
		snprintf(r->extack, sizeof(r->extack), "(sendto failed)");
		return;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r->err = -ETIMEDOUT;
			snprintf(r->extack, sizeof(r->extack), "(no answer within 5 s, %d replies)",
				 r->data_msgs);
			return;
		}
		if (n < 0) {
			r->err = -errno;
			return;
		}
		for (struct nlmsghdr *m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, (int)n);
		     m = mnl_nlmsg_next(m, (int *)&n)) {
			if (m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				parse_err(m, r);
				return;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				if (m->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
					int e;

					memcpy(&e, mnl_nlmsg_get_payload(m), sizeof(e));
					r->err = e;
				}
				return; /* a dump ends here: no ack follows */
			}
			r->data_msgs++;
		}
	}
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = VOICEQOS_GENL_VERSION;
	return nlh;
}

struct family_info {
	uint16_t id;
	uint32_t sip, events;
};

static int grp_cb(const struct nlattr *a, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *x;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(x, a) {
		if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(x);
		else if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(x);
	}
	if (name && !strcmp(name, VOICEQOS_MCGRP_SIP))
		fi->sip = id;
	if (name && !strcmp(name, VOICEQOS_MCGRP_EVENTS))
		fi->events = id;
	return MNL_CB_OK;
}

static int ctrl_attr_cb(const struct nlattr *a, void *data)
{
	struct family_info *fi = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		fi->id = mnl_attr_get_u16(a);
	else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
		mnl_attr_parse_nested(a, grp_cb, fi);
	return MNL_CB_OK;
}

/* Resolve NAME; 0 or -errno. */
static int resolve(const char *name, struct family_info *fi, struct reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char rbuf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	memset(fi, 0, sizeof(*fi));
	memset(r, 0, sizeof(*r));
	r->offs = -1;
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq_no++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto: %s", strerror(errno));
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));

		if (n < 0)
			return -errno;
		for (struct nlmsghdr *m = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(m, (int)n);
		     m = mnl_nlmsg_next(m, (int *)&n)) {
			if (m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				parse_err(m, r);
				if (!r->err && !fi->id)
					return -ENOENT;
				return r->err;
			}
			if (m->nlmsg_type == GENL_ID_CTRL)
				mnl_attr_parse(m, sizeof(struct genlmsghdr), ctrl_attr_cb, fi);
		}
	}
}

static void open_socket(void)
{
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		die("netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink bind: %s", strerror(errno));
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/* A request the kernel never answers must not hang the suite. */
	struct timeval tv = { .tv_sec = 5 };

	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", strerror(errno));
	(void)portid;
}

static void resolve_voiceqos(void)
{
	struct family_info fi;
	struct reply r;
	int err = resolve(VOICEQOS_GENL_NAME, &fi, &r);

	if (err || !fi.id) {
		printf("not ok - resolve_family: %s (module not loaded?)\n", errname(-err));
		exit(1);
	}
	family_id = fi.id;
	grp_sip = fi.sip;
	grp_events = fi.events;
}

/* ---- request builders ---------------------------------------------------- */

static const uint8_t doc_v4[4] = { 192, 0, 2, 1 };
static const uint8_t doc_v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* Starts VOICEQOS_A_FLOW with a valid v4 key unless told to leave parts out. */
enum {
	K_NO_FAMILY = 1 << 0,
	K_NO_DST_ADDR = 1 << 1,
	K_NO_DST_PORT = 1 << 2,
};

static struct nlattr *put_key(struct nlmsghdr *nlh, unsigned int omit, uint16_t port)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);

	if (!(omit & K_NO_FAMILY))
		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
	if (!(omit & K_NO_DST_ADDR))
		mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, sizeof(doc_v4), doc_v4);
	if (!(omit & K_NO_DST_PORT))
		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, port);
	return nest;
}

#define INVALID EINVAL, ERANGE

struct tcase {
	const char *name;
	int allowed[4];		/* errnos that pass (0-terminated) */
	bool need_extack;
	void (*build)(struct nlmsghdr **nlh, char *buf);
};

#define CASE(fn) static void fn(struct nlmsghdr **nlhp, char *buf)
#define NEW(cmd) struct nlmsghdr *nlh = *nlhp = genl_msg(buf, family_id, cmd, 0)

CASE(c_new_no_nest) { NEW(VOICEQOS_CMD_FLOW_NEW); (void)nlh; }

CASE(c_new_empty_nest)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW));
}

CASE(c_new_no_family)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, put_key(nlh, K_NO_FAMILY, 4000));
}

CASE(c_new_no_dst_addr)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, put_key(nlh, K_NO_DST_ADDR, 4000));
}

CASE(c_new_no_dst_port)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, put_key(nlh, K_NO_DST_PORT, 4000));
}

CASE(c_new_dst_port_0)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 0));
}

CASE(c_new_dst_addr_5)
{
	static const uint8_t five[5] = { 192, 0, 2, 1, 0 };
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, K_NO_DST_ADDR, 4000);

	mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, sizeof(five), five);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_v4_addr_16)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, K_NO_DST_ADDR, 4000);

	mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, sizeof(doc_v6), doc_v6);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_src_addr_3)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put(nlh, VOICEQOS_FLOW_A_SRC_ADDR, 3, doc_v4);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_family_99)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, K_NO_FAMILY, 4000);

	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, 99);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_dscp_64)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_DSCP, 64);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_rate_u32)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_RATE, 64000);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_rate_too_big)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_RATE, 100000000001ULL);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_burst_too_big)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_BURST, (16U << 20) + 1);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_clock_too_big)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_CLOCK_RATE, 1000001);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_timeout_0)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_TIMEOUT, 0);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_media_99)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_MEDIA, 99);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_unknown_attr)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, __VOICEQOS_FLOW_A_LAST + 3, 1);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_flags_unknown)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	struct nlattr *n = put_key(nlh, 0, 4000);

	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_FLAGS, 0x80000000U | (__VOICEQOS_FLOW_F_ALL + 1U));
	mnl_attr_nest_end(nlh, n);
}

CASE(c_new_unknown_top_attr)
{
	NEW(VOICEQOS_CMD_FLOW_NEW);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 4000));
	mnl_attr_put_u32(nlh, __VOICEQOS_A_LAST + 2, 1);
}

static void put_ports(struct nlmsghdr *nlh, const void *data, size_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);

	mnl_attr_put(nlh, VOICEQOS_CFG_A_SIP_PORTS, len, data);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_cfg_ports_odd)
{
	static const uint8_t three[3] = { 0xc4, 0x13, 0x00 };
	NEW(VOICEQOS_CMD_CONFIG_SET);
	put_ports(nlh, three, sizeof(three));
}

CASE(c_cfg_ports_zero)
{
	static const uint16_t p[2] = { 5060, 0 };
	NEW(VOICEQOS_CMD_CONFIG_SET);
	put_ports(nlh, p, sizeof(p));
}

CASE(c_cfg_ports_empty)
{
	NEW(VOICEQOS_CMD_CONFIG_SET);
	put_ports(nlh, NULL, 0);
}

CASE(c_cfg_ports_too_many)
{
	uint16_t p[VOICEQOS_MAX_SIP_PORTS + 1];
	NEW(VOICEQOS_CMD_CONFIG_SET);

	for (unsigned int i = 0; i < VOICEQOS_MAX_SIP_PORTS + 1; i++)
		p[i] = (uint16_t)(5060 + i);
	put_ports(nlh, p, sizeof(p));
}

CASE(c_cfg_fallback_dscp_64)
{
	NEW(VOICEQOS_CMD_CONFIG_SET);
	struct nlattr *n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);

	mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_FALLBACK_DSCP, 64);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_cfg_sip_dscp_65)
{
	NEW(VOICEQOS_CMD_CONFIG_SET);
	struct nlattr *n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);

	mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_SIP_DSCP, VOICEQOS_DSCP_KEEP + 1);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_cfg_mirror_burst_0)
{
	NEW(VOICEQOS_CMD_CONFIG_SET);
	struct nlattr *n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);

	mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_MIRROR_BURST, 0);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_cfg_mirror_rate_too_big)
{
	NEW(VOICEQOS_CMD_CONFIG_SET);
	struct nlattr *n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);

	mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_MIRROR_RATE, 1000001);
	mnl_attr_nest_end(nlh, n);
}

CASE(c_del_key_and_cookie)
{
	NEW(VOICEQOS_CMD_FLOW_DEL);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 4000));
	mnl_attr_put_u64(nlh, VOICEQOS_A_COOKIE, 7);
}

CASE(c_del_neither) { NEW(VOICEQOS_CMD_FLOW_DEL); (void)nlh; }

CASE(c_get_no_key) { NEW(VOICEQOS_CMD_FLOW_GET); (void)nlh; }

CASE(c_unknown_cmd) { NEW(200); (void)nlh; }

CASE(c_event_cmd) { NEW(VOICEQOS_CMD_FLOW_EXPIRED); (void)nlh; }

static const struct tcase cases[] = {
	{ "flow_new_without_nest", { INVALID }, true, c_new_no_nest },
	{ "flow_new_empty_nest", { INVALID }, true, c_new_empty_nest },
	{ "flow_new_without_family", { INVALID }, true, c_new_no_family },
	{ "flow_new_without_dst_addr", { INVALID }, true, c_new_no_dst_addr },
	{ "flow_new_without_dst_port", { INVALID }, true, c_new_no_dst_port },
	{ "flow_new_dst_port_0", { INVALID }, true, c_new_dst_port_0 },
	{ "flow_new_dst_addr_5_bytes", { INVALID }, true, c_new_dst_addr_5 },
	{ "flow_new_inet_with_16_byte_addr", { INVALID }, true, c_new_v4_addr_16 },
	{ "flow_new_src_addr_3_bytes", { INVALID }, true, c_new_src_addr_3 },
	{ "flow_new_family_99", { INVALID, EAFNOSUPPORT }, true, c_new_family_99 },
	{ "flow_new_dscp_64", { INVALID }, true, c_new_dscp_64 },
	{ "flow_new_rate_u32_instead_of_u64", { INVALID }, true, c_new_rate_u32 },
	{ "flow_new_rate_over_100g", { INVALID }, true, c_new_rate_too_big },
	{ "flow_new_burst_over_16m", { INVALID }, true, c_new_burst_too_big },
	{ "flow_new_clock_rate_over_1m", { INVALID }, true, c_new_clock_too_big },
	{ "flow_new_timeout_0", { INVALID }, true, c_new_timeout_0 },
	{ "flow_new_media_99", { INVALID }, true, c_new_media_99 },
	{ "flow_new_unknown_attr_in_nest", { INVALID, EOPNOTSUPP }, true, c_new_unknown_attr },
	{ "flow_new_unknown_top_level_attr", { INVALID, EOPNOTSUPP }, true, c_new_unknown_top_attr },
	{ "flow_new_flags_unknown_bits", { INVALID, EOPNOTSUPP }, true, c_new_flags_unknown },
	{ "config_set_sip_ports_odd_length", { INVALID }, true, c_cfg_ports_odd },
	{ "config_set_sip_ports_port_0", { INVALID }, true, c_cfg_ports_zero },
	{ "config_set_sip_ports_empty", { INVALID }, true, c_cfg_ports_empty },
	{ "config_set_sip_ports_17", { INVALID, E2BIG }, true, c_cfg_ports_too_many },
	{ "config_set_fallback_dscp_64", { INVALID }, true, c_cfg_fallback_dscp_64 },
	{ "config_set_sip_dscp_65", { INVALID }, true, c_cfg_sip_dscp_65 },
	{ "config_set_mirror_burst_0", { INVALID }, true, c_cfg_mirror_burst_0 },
	{ "config_set_mirror_rate_over_1m", { INVALID }, true, c_cfg_mirror_rate_too_big },
	{ "flow_del_key_and_cookie", { INVALID }, true, c_del_key_and_cookie },
	{ "flow_del_neither_key_nor_cookie", { INVALID }, true, c_del_neither },
	{ "flow_get_without_key", { INVALID }, true, c_get_no_key },
	/* genetlink itself answers unknown commands, without extack on 6.1 */
	{ "unknown_command_200", { EOPNOTSUPP }, false, c_unknown_cmd },
	{ "event_only_command_flow_expired", { EOPNOTSUPP }, false, c_event_cmd },
};

static bool errno_in(int e, const int *set)
{
	for (int i = 0; i < 4 && set[i]; i++)
		if (set[i] == e)
			return true;
	return false;
}

static void report(const char *name, bool pass, const struct reply *r, const char *why)
{
	if (pass)
		printf("ok - %s: errno=%s extack=\"%s\"\n", name, errname(-r->err), r->extack);
	else
		printf("not ok - %s: %s (errno=%s extack=\"%s\")\n", name, why, errname(-r->err),
		       r->extack);
	if (!pass)
		failures++;
	fflush(stdout);
}

static void flow_new_valid(struct reply *r, uint16_t port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_NEW, 0);
	struct nlattr *n = put_key(nlh, 0, port);

	mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_DSCP, 46);
	mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_RATE, 64000);
	mnl_attr_nest_end(nlh, n);
	transact(nlh, r);
}

static int count_flows(struct reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_GET, NLM_F_DUMP);

	transact(nlh, r);
	return r->data_msgs;
}

static int run_malformed(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct reply r;

	resolve_voiceqos();

	/* Start from an empty table, so the final count means something. */
	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_FLUSH, 0);
	transact(nlh, &r);
	report("control_flow_flush", r.err == 0, &r, "FLOW_FLUSH failed");

	/* Positive control: the same key the cases start from is accepted. */
	flow_new_valid(&r, 4000);
	report("control_valid_flow_new", r.err == 0, &r, "a valid FLOW_NEW failed");
	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_DEL, 0);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 4000));
	transact(nlh, &r);
	report("control_valid_flow_del", r.err == 0, &r, "deleting the valid flow failed");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *tc = &cases[i];
		int e;

		tc->build(&nlh, buf);
		transact(nlh, &r);
		e = -r.err;
		if (r.err >= 0)
			report(tc->name, false, &r, "the kernel accepted it");
		else if (!errno_in(e, tc->allowed))
			report(tc->name, false, &r, "unexpected errno");
		else if (tc->need_extack && !r.extack[0])
			report(tc->name, false, &r, "no extack message");
		else
			report(tc->name, true, &r, NULL);
	}

	/* Nothing above may have left a flow behind. */
	int n = count_flows(&r);

	if (r.err)
		report("no_flow_left_behind", false, &r, "FLOW_GET dump failed");
	else if (n)
		report("no_flow_left_behind", false, &r, "flows exist after the malformed cases");
	else
		report("no_flow_left_behind", true, &r, NULL);
	return failures ? 1 : 0;
}

static void expect_eperm(const char *name, struct nlmsghdr *nlh)
{
	struct reply r;

	transact(nlh, &r);
	if (r.err == -EPERM)
		report(name, true, &r, NULL);
	else
		report(name, false, &r, "expected EPERM");
}

static int run_eperm(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *n;
	struct reply r;

	if (geteuid() == 0)
		fprintf(stderr, "nltest: warning: eperm mode run as root\n");
	resolve_voiceqos();

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_NEW, 0);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 4000));
	expect_eperm("eperm_flow_new", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_DEL, 0);
	mnl_attr_put_u64(nlh, VOICEQOS_A_COOKIE, 1);
	expect_eperm("eperm_flow_del", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_FLUSH, 0);
	expect_eperm("eperm_flow_flush", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_CONFIG_SET, 0);
	n = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);
	mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_FALLBACK_DSCP, 0);
	mnl_attr_nest_end(nlh, n);
	expect_eperm("eperm_config_set", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_GET, NLM_F_DUMP);
	expect_eperm("eperm_flow_dump", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_GET, 0);
	mnl_attr_nest_end(nlh, put_key(nlh, 0, 4000));
	expect_eperm("eperm_flow_get", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_CONFIG_GET, 0);
	expect_eperm("eperm_config_get", nlh);

	nlh = genl_msg(buf, family_id, VOICEQOS_CMD_STATS_GET, 0);
	expect_eperm("eperm_stats_get", nlh);

	memset(&r, 0, sizeof(r));
	if (!grp_sip) {
		printf("not ok - eperm_join_sip_group: family has no \"sip\" group\n");
		failures++;
	} else if (!mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp_sip, sizeof(grp_sip))) {
		printf("not ok - eperm_join_sip_group: an unprivileged user joined the sip group\n");
		failures++;
	} else {
		r.err = -errno;
		report("eperm_join_sip_group", errno == EPERM, &r, "expected EPERM");
	}
	(void)grp_events;
	return failures ? 1 : 0;
}

static int run_family_missing(const char *name)
{
	struct family_info fi;
	struct reply r;
	int err = resolve(name, &fi, &r);

	if (err == -ENOENT && !fi.id)
		report("family_missing", true, &r, NULL);
	else
		report("family_missing", false, &r, fi.id ? "the family resolved" : "expected ENOENT");
	return failures ? 1 : 0;
}

static int run_add_flows(unsigned long n, const char *addr, unsigned long port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint8_t a[16];
	int fam, alen;
	struct reply r;

	if (inet_pton(AF_INET, addr, a) == 1) {
		fam = AF_INET;
		alen = 4;
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		fam = AF_INET6;
		alen = 16;
	} else {
		die("bad address %s", addr);
	}
	if (!port || port + n - 1 > 65535)
		die("ports %lu..%lu out of range", port, port + n - 1);
	resolve_voiceqos();
	for (unsigned long i = 0; i < n; i++) {
		struct nlmsghdr *nlh = genl_msg(buf, family_id, VOICEQOS_CMD_FLOW_NEW, 0);
		struct nlattr *nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);

		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, (uint16_t)fam);
		mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, (size_t)alen, a);
		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, (uint16_t)(port + i));
		mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_DSCP, 46);
		mnl_attr_nest_end(nlh, nest);
		transact(nlh, &r);
		if (r.err) {
			printf("error at %lu: errno=%s extack=\"%s\"\n", i, errname(-r.err), r.extack);
			return 1;
		}
	}
	printf("added %lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "malformed";

	prog_name = "nltest";
	setvbuf(stdout, NULL, _IOLBF, 0);
	open_socket();
	if (!strcmp(mode, "malformed") && argc <= 2)
		return run_malformed();
	if (!strcmp(mode, "eperm") && argc == 2)
		return run_eperm();
	if (!strcmp(mode, "family-missing") && argc <= 3)
		return run_family_missing(argc == 3 ? argv[2] : "vqos_missing");
	if (!strcmp(mode, "add-flows") && argc == 5)
		return run_add_flows((unsigned long)parse_u64("N", argv[2], 65535), argv[3],
				     (unsigned long)parse_u64("PORT", argv[4], 65535));
	fprintf(stderr, "usage: nltest [malformed] | eperm | family-missing [NAME] | add-flows N ADDR PORT\n");
	return 2;
}
