// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * The generic netlink family "voiceqos": see include/uapi/linux/voiceqos.h
 * for the contract.
 */

#include "compat.h"
#include "flow.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "sip.h"

#include <linux/jiffies.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/voiceqos.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

enum vqos_mcgrp {
	VQOS_MCGRP_SIP,
	VQOS_MCGRP_EVENTS,
};

static struct netlink_range_validation vqos_rate_range = {
	.max = 100ULL * 1000 * 1000 * 1000,
};

static struct netlink_range_validation vqos_burst_range = {
	.max = 16U << 20,
};

static struct netlink_range_validation vqos_clock_range = {
	.max = 1000000,
};

static struct netlink_range_validation vqos_timeout_range = {
	.min = 1,
	.max = 86400,
};

static struct netlink_range_validation vqos_mirror_rate_range = {
	.max = 1000000,
};

static struct netlink_range_validation vqos_mirror_burst_range = {
	.min = 1,
	.max = 1000000,
};

static const struct nla_policy vqos_flow_policy[VOICEQOS_FLOW_A_MAX + 1] = {
	[VOICEQOS_FLOW_A_FAMILY] = { .type = NLA_U16 },
	[VOICEQOS_FLOW_A_SRC_ADDR] = { .type = NLA_BINARY,
				       .len = sizeof(struct in6_addr) },
	[VOICEQOS_FLOW_A_DST_ADDR] = { .type = NLA_BINARY,
				       .len = sizeof(struct in6_addr) },
	[VOICEQOS_FLOW_A_SRC_PORT] = { .type = NLA_U16 },
	[VOICEQOS_FLOW_A_DST_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[VOICEQOS_FLOW_A_COOKIE] = { .type = NLA_U64 },
	[VOICEQOS_FLOW_A_MEDIA] = NLA_POLICY_RANGE(NLA_U8, VOICEQOS_MEDIA_AUDIO,
						   VOICEQOS_MEDIA_MAX),
	[VOICEQOS_FLOW_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __VOICEQOS_FLOW_F_ALL),
	[VOICEQOS_FLOW_A_DSCP] = NLA_POLICY_MAX(NLA_U8, VOICEQOS_MAX_DSCP),
	[VOICEQOS_FLOW_A_PRIORITY] = { .type = NLA_U32 },
	[VOICEQOS_FLOW_A_MARK] = { .type = NLA_U32 },
	[VOICEQOS_FLOW_A_MARK_MASK] = { .type = NLA_U32 },
	[VOICEQOS_FLOW_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &vqos_rate_range),
	[VOICEQOS_FLOW_A_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &vqos_burst_range),
	[VOICEQOS_FLOW_A_CLOCK_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &vqos_clock_range),
	[VOICEQOS_FLOW_A_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &vqos_timeout_range),
	[VOICEQOS_FLOW_A_LATCHED_ADDR] = {
		.type = NLA_REJECT,
		.reject_message = "voiceqos: latched address is read-only",
	},
	[VOICEQOS_FLOW_A_LATCHED_PORT] = {
		.type = NLA_REJECT,
		.reject_message = "voiceqos: latched port is read-only",
	},
	[VOICEQOS_FLOW_A_STATS] = { .type = NLA_REJECT,
				    .reject_message = "voiceqos: flow statistics are read-only" },
};

static const struct nla_policy vqos_cfg_policy[VOICEQOS_CFG_A_MAX + 1] = {
	[VOICEQOS_CFG_A_SIP_PORTS] = { .type = NLA_BINARY,
				       .len = VOICEQOS_MAX_SIP_PORTS * sizeof(u16) },
	[VOICEQOS_CFG_A_BE_PRIORITY] = { .type = NLA_U32 },
	[VOICEQOS_CFG_A_FALLBACK_DSCP] = NLA_POLICY_MAX(NLA_U8, VOICEQOS_MAX_DSCP),
	[VOICEQOS_CFG_A_SIP_DSCP] = NLA_POLICY_MAX(NLA_U8, VOICEQOS_DSCP_KEEP),
	[VOICEQOS_CFG_A_SIP_PRIORITY] = { .type = NLA_U32 },
	[VOICEQOS_CFG_A_MIRROR_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &vqos_mirror_rate_range),
	[VOICEQOS_CFG_A_MIRROR_BURST] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &vqos_mirror_burst_range),
	[VOICEQOS_CFG_A_MAX_FLOWS] = {
		.type = NLA_REJECT,
		.reject_message = "voiceqos: max_flows is a module parameter",
	},
	[VOICEQOS_CFG_A_IDLE_TIMEOUT] = {
		.type = NLA_REJECT,
		.reject_message = "voiceqos: idle_timeout is a module parameter",
	},
};

static const struct nla_policy vqos_genl_policy[VOICEQOS_A_MAX + 1] = {
	[VOICEQOS_A_FLOW] = NLA_POLICY_NESTED(vqos_flow_policy),
	[VOICEQOS_A_COOKIE] = { .type = NLA_U64 },
	[VOICEQOS_A_EXCL] = { .type = NLA_FLAG },
	[VOICEQOS_A_CONFIG] = NLA_POLICY_NESTED(vqos_cfg_policy),
	[VOICEQOS_A_STATS] = { .type = NLA_REJECT,
			       .reject_message = "voiceqos: statistics are read-only" },
	[VOICEQOS_A_SIP] = { .type = NLA_REJECT,
			     .reject_message = "voiceqos: SIP copies are sent, not received" },
};

static struct genl_family vqos_genl_family;

static int vqos_nl_addr(struct nlattr *attr, u8 family, union vqos_addr *addr,
			struct netlink_ext_ack *extack)
{
	int len = family == AF_INET ? sizeof(addr->ip) : sizeof(addr->ip6);

	if (nla_len(attr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "voiceqos: address length does not match the family");
		return -EINVAL;
	}
	memcpy(addr, nla_data(attr), len);
	return 0;
}

static int vqos_nl_parse_key(struct nlattr *nest, struct nlattr **tb,
			     struct vqos_flow_key *key,
			     struct netlink_ext_ack *extack)
{
	int err;

	memset(key, 0, sizeof(*key));
	if (!tb[VOICEQOS_FLOW_A_FAMILY]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "voiceqos: flow family missing");
		return -EINVAL;
	}
	switch (nla_get_u16(tb[VOICEQOS_FLOW_A_FAMILY])) {
	case AF_INET:
		key->family = AF_INET;
		break;
	case AF_INET6:
		key->family = AF_INET6;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[VOICEQOS_FLOW_A_FAMILY],
				    "voiceqos: family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (!tb[VOICEQOS_FLOW_A_DST_ADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "voiceqos: destination address missing");
		return -EINVAL;
	}
	if (!tb[VOICEQOS_FLOW_A_DST_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "voiceqos: destination port missing");
		return -EINVAL;
	}
	err = vqos_nl_addr(tb[VOICEQOS_FLOW_A_DST_ADDR], key->family, &key->dst, extack);
	if (err)
		return err;
	key->dport = htons(nla_get_u16(tb[VOICEQOS_FLOW_A_DST_PORT]));
	if (tb[VOICEQOS_FLOW_A_SRC_ADDR]) {
		err = vqos_nl_addr(tb[VOICEQOS_FLOW_A_SRC_ADDR], key->family,
				   &key->src, extack);
		if (err)
			return err;
	}
	if (tb[VOICEQOS_FLOW_A_SRC_PORT])
		key->sport = htons(nla_get_u16(tb[VOICEQOS_FLOW_A_SRC_PORT]));
	return 0;
}

static int vqos_nl_parse_flow(struct genl_info *info, struct nlattr **tb,
			      struct vqos_flow_key *key,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *nest = info->attrs[VOICEQOS_A_FLOW];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "voiceqos: flow attribute missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, VOICEQOS_FLOW_A_MAX, nest, vqos_flow_policy, extack);
	if (err)
		return err;
	return vqos_nl_parse_key(nest, tb, key, extack);
}

static void vqos_nl_parse_params(struct nlattr **tb, struct vqos_flow_params *p)
{
	memset(p, 0, sizeof(*p));
	if (tb[VOICEQOS_FLOW_A_COOKIE])
		p->cookie = nla_get_u64(tb[VOICEQOS_FLOW_A_COOKIE]);
	p->media = tb[VOICEQOS_FLOW_A_MEDIA] ?
		   nla_get_u8(tb[VOICEQOS_FLOW_A_MEDIA]) : VOICEQOS_MEDIA_AUDIO;
	if (tb[VOICEQOS_FLOW_A_FLAGS])
		p->flags = nla_get_u32(tb[VOICEQOS_FLOW_A_FLAGS]);
	p->dscp = tb[VOICEQOS_FLOW_A_DSCP] ? nla_get_u8(tb[VOICEQOS_FLOW_A_DSCP]) : -1;
	if (tb[VOICEQOS_FLOW_A_PRIORITY])
		p->priority = nla_get_u32(tb[VOICEQOS_FLOW_A_PRIORITY]);
	if (tb[VOICEQOS_FLOW_A_MARK]) {
		p->mark = nla_get_u32(tb[VOICEQOS_FLOW_A_MARK]);
		p->mark_mask = tb[VOICEQOS_FLOW_A_MARK_MASK] ?
			       nla_get_u32(tb[VOICEQOS_FLOW_A_MARK_MASK]) : U32_MAX;
		p->mark &= p->mark_mask;
	}
	if (tb[VOICEQOS_FLOW_A_RATE])
		p->rate = nla_get_u64(tb[VOICEQOS_FLOW_A_RATE]);
	/* Default burst: 20 ms at the rate, at least one full-size packet. */
	p->burst = tb[VOICEQOS_FLOW_A_BURST] ?
		   nla_get_u32(tb[VOICEQOS_FLOW_A_BURST]) :
		   clamp_t(u64, div_u64(p->rate, 400), 1500, 16U << 20);
	if (tb[VOICEQOS_FLOW_A_CLOCK_RATE])
		p->clock_rate = nla_get_u32(tb[VOICEQOS_FLOW_A_CLOCK_RATE]);
	p->timeout = tb[VOICEQOS_FLOW_A_TIMEOUT] ?
		     nla_get_u32(tb[VOICEQOS_FLOW_A_TIMEOUT]) :
		     clamp_t(u32, READ_ONCE(vqos_idle_timeout), 1, 86400);
}

static int vqos_nl_activate(struct vqos_net *vn, struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&vn->lock);
	err = vqos_hooks_enable(vn);
	mutex_unlock(&vn->lock);
	if (err)
		NL_SET_ERR_MSG(extack, "voiceqos: cannot register the netfilter hooks");
	return err;
}

static int vqos_nl_flow_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	struct nlattr *tb[VOICEQOS_FLOW_A_MAX + 1];
	struct vqos_flow_params p;
	struct vqos_flow_key key;
	int err;

	err = vqos_nl_parse_flow(info, tb, &key, info->extack);
	if (err)
		return err;
	if (tb[VOICEQOS_FLOW_A_MARK_MASK] && !tb[VOICEQOS_FLOW_A_MARK]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VOICEQOS_FLOW_A_MARK_MASK],
				    "voiceqos: mark mask given without a mark");
		return -EINVAL;
	}
	vqos_nl_parse_params(tb, &p);
	err = vqos_nl_activate(vn, info->extack);
	if (err)
		return err;
	return vqos_flow_new(vn, &key, &p, nla_get_flag(info->attrs[VOICEQOS_A_EXCL]),
			     info->extack);
}

static int vqos_nl_flow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	struct nlattr *tb[VOICEQOS_FLOW_A_MAX + 1];
	struct vqos_flow_key key;
	int err;

	if (!!info->attrs[VOICEQOS_A_FLOW] == !!info->attrs[VOICEQOS_A_COOKIE]) {
		NL_SET_ERR_MSG(info->extack,
			       "voiceqos: give either a flow key or a cookie");
		return -EINVAL;
	}
	if (info->attrs[VOICEQOS_A_COOKIE]) {
		err = vqos_flow_del_cookie(vn, nla_get_u64(info->attrs[VOICEQOS_A_COOKIE]));
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VOICEQOS_A_COOKIE],
					    "voiceqos: no flow has this cookie");
		return err;
	}
	err = vqos_nl_parse_flow(info, tb, &key, info->extack);
	if (err)
		return err;
	err = vqos_flow_del(vn, &key);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VOICEQOS_A_FLOW],
				    "voiceqos: no such flow");
	return err;
}

static int vqos_nl_put_addr(struct sk_buff *msg, int type, u8 family,
			    const union vqos_addr *addr)
{
	return nla_put(msg, type, family == AF_INET ? sizeof(addr->ip) :
		       sizeof(addr->ip6), addr);
}

static u32 vqos_nl_age_ms(u32 now, u32 then)
{
	return jiffies_to_msecs(now - then);
}

static int vqos_nl_fill_rtcp(struct sk_buff *msg, struct vqos_flow *flow)
{
	/* A snapshot, like the RTP one: a report may be half replaced. */
	struct vqos_rtcp r = flow->rtcp;
	u32 now = jiffies;
	struct nlattr *nest;

	if (!(READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP) || !r.packets)
		return 0;
	nest = nla_nest_start(msg, VOICEQOS_FSTAT_A_RTCP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, VOICEQOS_RTCP_A_PACKETS, r.packets) ||
	    nla_put_u32(msg, VOICEQOS_RTCP_A_SSRC, r.ssrc))
		goto cancel;
	if (r.have_sr &&
	    (nla_put_u32(msg, VOICEQOS_RTCP_A_SR_NTP, r.sr_ntp_mid) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_SR_AGE_MS,
			 vqos_nl_age_ms(now, r.sr_seen))))
		goto cancel;
	if (r.have_block &&
	    (nla_put_u32(msg, VOICEQOS_RTCP_A_BLOCK_SSRC, r.block_ssrc) ||
	     nla_put_u8(msg, VOICEQOS_RTCP_A_FRACTION_LOST, r.fraction_lost) ||
	     nla_put_s32(msg, VOICEQOS_RTCP_A_CUM_LOST, r.cum_lost) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_EXT_MAX_SEQ, r.ext_max_seq) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_JITTER, r.jitter) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_LSR, r.lsr) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_DLSR, r.dlsr) ||
	     nla_put_u32(msg, VOICEQOS_RTCP_A_RR_AGE_MS,
			 vqos_nl_age_ms(now, r.rr_seen))))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int vqos_nl_fill_stats(struct sk_buff *msg, struct vqos_flow *flow)
{
	unsigned long now = jiffies;
	struct vqos_rtp rtp;
	struct nlattr *nest;
	u32 clock_rate;

	nest = nla_nest_start(msg, VOICEQOS_FLOW_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_PACKETS,
			      atomic64_read(&flow->packets), VOICEQOS_FSTAT_A_PAD) ||
	    nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_BYTES,
			      atomic64_read(&flow->bytes), VOICEQOS_FSTAT_A_PAD) ||
	    nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_POLICED_PACKETS,
			      atomic64_read(&flow->policed_packets), VOICEQOS_FSTAT_A_PAD) ||
	    nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_POLICED_BYTES,
			      atomic64_read(&flow->policed_bytes), VOICEQOS_FSTAT_A_PAD) ||
	    nla_put_u32(msg, VOICEQOS_FSTAT_A_IDLE_MS,
			jiffies_to_msecs(now - READ_ONCE(flow->last_seen))) ||
	    nla_put_u32(msg, VOICEQOS_FSTAT_A_AGE_MS,
			min_t(u64, (u64)((u32)ktime_get_seconds() - flow->created) *
			      MSEC_PER_SEC, U32_MAX)))
		goto cancel;

	/* A snapshot without the packet path's busy bit: stats may be a packet apart. */
	rtp = flow->rtp;
	clock_rate = READ_ONCE(flow->p.clock_rate);
	if (!(READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP) && rtp.valid &&
	    (nla_put_u32(msg, VOICEQOS_FSTAT_A_SSRC, rtp.ssrc) ||
	     nla_put_u32(msg, VOICEQOS_FSTAT_A_EXT_MAX_SEQ, vqos_rtp_ext_max(&rtp)) ||
	     nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_RECEIVED, rtp.received,
			       VOICEQOS_FSTAT_A_PAD) ||
	     nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_EXPECTED,
			       vqos_rtp_expected(&rtp), VOICEQOS_FSTAT_A_PAD) ||
	     nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_LOST, vqos_rtp_lost(&rtp),
			       VOICEQOS_FSTAT_A_PAD) ||
	     nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_DUPLICATES, rtp.duplicates,
			       VOICEQOS_FSTAT_A_PAD) ||
	     nla_put_u64_64bit(msg, VOICEQOS_FSTAT_A_REORDERED, rtp.reordered,
			       VOICEQOS_FSTAT_A_PAD) ||
	     nla_put_u32(msg, VOICEQOS_FSTAT_A_JITTER, vqos_rtp_jitter(&rtp)) ||
	     nla_put_u32(msg, VOICEQOS_FSTAT_A_JITTER_US,
			 vqos_rtp_jitter_us(vqos_rtp_jitter(&rtp), clock_rate)) ||
	     nla_put_u32(msg, VOICEQOS_FSTAT_A_SSRC_CHANGES, rtp.ssrc_changes)))
		goto cancel;
	if (vqos_nl_fill_rtcp(msg, flow))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int vqos_nl_fill_flow(struct sk_buff *msg, struct vqos_flow *flow)
{
	const struct vqos_flow_key *k = &flow->key;
	struct vqos_flow_params p;
	struct nlattr *nest;

	p = flow->p;
	nest = nla_nest_start(msg, VOICEQOS_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, VOICEQOS_FLOW_A_FAMILY, k->family) ||
	    vqos_nl_put_addr(msg, VOICEQOS_FLOW_A_DST_ADDR, k->family, &k->dst) ||
	    nla_put_u16(msg, VOICEQOS_FLOW_A_DST_PORT, ntohs(k->dport)))
		goto cancel;
	if (!vqos_flow_key_is_wild(k)) {
		if (vqos_nl_put_addr(msg, VOICEQOS_FLOW_A_SRC_ADDR, k->family, &k->src) ||
		    nla_put_u16(msg, VOICEQOS_FLOW_A_SRC_PORT, ntohs(k->sport)))
			goto cancel;
	} else {
		/* A given source part equals its latched value, so flow->src serves both. */
		if (test_bit(VQOS_FLOW_SRC_ADDR, &flow->state) &&
		    vqos_nl_put_addr(msg, VOICEQOS_FLOW_A_SRC_ADDR, k->family, &flow->src))
			goto cancel;
		if (test_bit(VQOS_FLOW_SRC_PORT, &flow->state) &&
		    nla_put_u16(msg, VOICEQOS_FLOW_A_SRC_PORT, ntohs(flow->sport)))
			goto cancel;
		if (test_bit(VQOS_FLOW_LATCHED, &flow->state) &&
		    (vqos_nl_put_addr(msg, VOICEQOS_FLOW_A_LATCHED_ADDR, k->family,
				      &flow->src) ||
		     nla_put_u16(msg, VOICEQOS_FLOW_A_LATCHED_PORT, ntohs(flow->sport))))
			goto cancel;
	}
	if (nla_put_u64_64bit(msg, VOICEQOS_FLOW_A_COOKIE, p.cookie, VOICEQOS_FLOW_A_PAD) ||
	    nla_put_u8(msg, VOICEQOS_FLOW_A_MEDIA, p.media) ||
	    nla_put_u32(msg, VOICEQOS_FLOW_A_FLAGS, p.flags) ||
	    (p.dscp >= 0 && nla_put_u8(msg, VOICEQOS_FLOW_A_DSCP, p.dscp)) ||
	    nla_put_u32(msg, VOICEQOS_FLOW_A_PRIORITY, p.priority) ||
	    (p.mark_mask && (nla_put_u32(msg, VOICEQOS_FLOW_A_MARK, p.mark) ||
			     nla_put_u32(msg, VOICEQOS_FLOW_A_MARK_MASK, p.mark_mask))) ||
	    nla_put_u64_64bit(msg, VOICEQOS_FLOW_A_RATE, p.rate, VOICEQOS_FLOW_A_PAD) ||
	    nla_put_u32(msg, VOICEQOS_FLOW_A_BURST, p.burst) ||
	    nla_put_u32(msg, VOICEQOS_FLOW_A_CLOCK_RATE, p.clock_rate) ||
	    nla_put_u32(msg, VOICEQOS_FLOW_A_TIMEOUT, p.timeout) ||
	    vqos_nl_fill_stats(msg, flow))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int vqos_nl_flow_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	struct nlattr *tb[VOICEQOS_FLOW_A_MAX + 1];
	struct vqos_flow_key key;
	struct vqos_flow *flow;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = vqos_nl_parse_flow(info, tb, &key, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vqos_genl_family, 0, VOICEQOS_CMD_FLOW_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	mutex_lock(&vn->lock);
	flow = vqos_flow_find_locked(vn, &key);
	err = flow ? vqos_nl_fill_flow(msg, flow) : -ENOENT;
	mutex_unlock(&vn->lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VOICEQOS_A_FLOW],
				    "voiceqos: no such flow");
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/*
 * The dump resumes after the last flow it sent when nothing changed in
 * between (that flow is then still on the list), and by position
 * otherwise, in which case genl_dump_check_consistent() has told userspace
 * that the dump was interrupted.
 */
static int vqos_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vqos_net *vn = vqos_pernet(sock_net(skb->sk));
	struct nlattr **attrs = vqos_dump_attrs(cb);
	struct vqos_flow *flow, *last = (struct vqos_flow *)cb->args[1];
	bool filter = attrs && attrs[VOICEQOS_A_COOKIE];
	u64 cookie = filter ? nla_get_u64(attrs[VOICEQOS_A_COOKIE]) : 0;
	long skip;
	bool resume;
	void *hdr;

	mutex_lock(&vn->lock);
	cb->seq = vn->gen + 1;
	resume = last && cb->args[2] == vn->gen;
	skip = resume ? 0 : cb->args[0];
	if (resume)
		flow = list_next_entry(last, list);
	else
		flow = list_first_entry(&vn->flow_list, struct vqos_flow, list);
	list_for_each_entry_from(flow, &vn->flow_list, list) {
		if (filter && flow->p.cookie != cookie)
			continue;
		if (skip) {
			skip--;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &vqos_genl_family, NLM_F_MULTI, VOICEQOS_CMD_FLOW_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (vqos_nl_fill_flow(skb, flow)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
		cb->args[1] = (long)flow;
		cb->args[2] = vn->gen;
	}
	mutex_unlock(&vn->lock);
	return skb->len;
}

static int vqos_nl_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	vqos_flow_flush(vqos_pernet(genl_info_net(info)));
	return 0;
}

/* The start of a GET reply: a message with its top-level nest open. */
static void *vqos_nl_reply_new(struct genl_info *info, u8 cmd, int attr,
			       struct sk_buff **msgp, struct nlattr **nestp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put_reply(msg, info, &vqos_genl_family, 0, cmd);
	*nestp = hdr ? nla_nest_start(msg, attr) : NULL;
	if (!*nestp) {
		nlmsg_free(msg);
		return NULL;
	}
	*msgp = msg;
	return hdr;
}

static int vqos_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	const struct vqos_config *cfg;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	hdr = vqos_nl_reply_new(info, VOICEQOS_CMD_CONFIG_GET, VOICEQOS_A_CONFIG, &msg, &nest);
	if (!hdr)
		return -ENOMEM;

	mutex_lock(&vn->lock);
	cfg = rcu_dereference_protected(vn->cfg, lockdep_is_held(&vn->lock));
	if (nla_put(msg, VOICEQOS_CFG_A_SIP_PORTS,
		    cfg->n_sip_ports * sizeof(cfg->sip_ports[0]), cfg->sip_ports) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_BE_PRIORITY, cfg->be_priority) ||
	    nla_put_u8(msg, VOICEQOS_CFG_A_FALLBACK_DSCP, cfg->fallback_dscp) ||
	    nla_put_u8(msg, VOICEQOS_CFG_A_SIP_DSCP,
		       cfg->sip_dscp < 0 ? VOICEQOS_DSCP_KEEP : cfg->sip_dscp) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_SIP_PRIORITY, cfg->sip_priority) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_MIRROR_RATE, cfg->mirror_rate) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_MIRROR_BURST, cfg->mirror_burst) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_MAX_FLOWS, READ_ONCE(vqos_max_flows)) ||
	    nla_put_u32(msg, VOICEQOS_CFG_A_IDLE_TIMEOUT, READ_ONCE(vqos_idle_timeout))) {
		mutex_unlock(&vn->lock);
		goto nla_put_failure;
	}
	mutex_unlock(&vn->lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int vqos_nl_parse_ports(struct nlattr *attr, struct vqos_config *cfg,
			       struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);
	unsigned int i;
	u16 port;

	if (len < (int)sizeof(u16) || len % sizeof(u16)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "voiceqos: SIP ports must be 1 to 16 16-bit port numbers");
		return -EINVAL;
	}
	cfg->n_sip_ports = len / sizeof(u16);
	for (i = 0; i < cfg->n_sip_ports; i++) {
		memcpy(&port, (u8 *)nla_data(attr) + i * sizeof(u16), sizeof(port));
		if (!port) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "voiceqos: SIP port 0 is invalid");
			return -EINVAL;
		}
		cfg->sip_ports[i] = port;
	}
	return 0;
}

static int vqos_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	struct nlattr *tb[VOICEQOS_CFG_A_MAX + 1];
	struct vqos_config *cfg, *old;
	int err;

	if (!info->attrs[VOICEQOS_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "voiceqos: config attribute missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, VOICEQOS_CFG_A_MAX, info->attrs[VOICEQOS_A_CONFIG],
			       vqos_cfg_policy, info->extack);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	err = vqos_hooks_enable(vn);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "voiceqos: cannot register the netfilter hooks");
		goto out;
	}
	old = rcu_dereference_protected(vn->cfg, lockdep_is_held(&vn->lock));
	cfg = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!cfg) {
		NL_SET_ERR_MSG(info->extack, "voiceqos: out of memory for the configuration");
		err = -ENOMEM;
		goto out;
	}
	if (tb[VOICEQOS_CFG_A_SIP_PORTS]) {
		err = vqos_nl_parse_ports(tb[VOICEQOS_CFG_A_SIP_PORTS], cfg, info->extack);
		if (err) {
			kfree(cfg);
			goto out;
		}
	}
	if (tb[VOICEQOS_CFG_A_BE_PRIORITY])
		cfg->be_priority = nla_get_u32(tb[VOICEQOS_CFG_A_BE_PRIORITY]);
	if (tb[VOICEQOS_CFG_A_FALLBACK_DSCP])
		cfg->fallback_dscp = nla_get_u8(tb[VOICEQOS_CFG_A_FALLBACK_DSCP]);
	if (tb[VOICEQOS_CFG_A_SIP_DSCP]) {
		u8 dscp = nla_get_u8(tb[VOICEQOS_CFG_A_SIP_DSCP]);

		cfg->sip_dscp = dscp == VOICEQOS_DSCP_KEEP ? -1 : dscp;
	}
	if (tb[VOICEQOS_CFG_A_SIP_PRIORITY])
		cfg->sip_priority = nla_get_u32(tb[VOICEQOS_CFG_A_SIP_PRIORITY]);
	if (tb[VOICEQOS_CFG_A_MIRROR_RATE])
		cfg->mirror_rate = nla_get_u32(tb[VOICEQOS_CFG_A_MIRROR_RATE]);
	if (tb[VOICEQOS_CFG_A_MIRROR_BURST])
		cfg->mirror_burst = nla_get_u32(tb[VOICEQOS_CFG_A_MIRROR_BURST]);
	vqos_police_set(&vn->mirror, cfg->mirror_rate, cfg->mirror_burst, ktime_get_ns());
	rcu_assign_pointer(vn->cfg, cfg);
	kfree_rcu(old, rcu);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static const u16 vqos_stat_attr[VQOS_STAT_MAX] = {
	[VQOS_STAT_PACKETS] = VOICEQOS_STATS_A_PACKETS,
	[VQOS_STAT_MATCHED] = VOICEQOS_STATS_A_MATCHED,
	[VQOS_STAT_MARKED] = VOICEQOS_STATS_A_MARKED,
	[VQOS_STAT_POLICED] = VOICEQOS_STATS_A_POLICED,
	[VQOS_STAT_LATCHED] = VOICEQOS_STATS_A_LATCHED,
	[VQOS_STAT_UNWRITABLE] = VOICEQOS_STATS_A_UNWRITABLE,
	[VQOS_STAT_SIP_COPIES] = VOICEQOS_STATS_A_SIP_COPIES,
	[VQOS_STAT_SIP_DROPPED] = VOICEQOS_STATS_A_SIP_DROPPED,
};

static int vqos_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vqos_net *vn = vqos_pernet(genl_info_net(info));
	u64 v[VQOS_STAT_MAX];
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	hdr = vqos_nl_reply_new(info, VOICEQOS_CMD_STATS_GET, VOICEQOS_A_STATS, &msg, &nest);
	if (!hdr)
		return -ENOMEM;
	vqos_stats_read(vn, v);
	for (i = 0; i < VQOS_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, vqos_stat_attr[i], v[i], VOICEQOS_STATS_A_PAD))
			goto nla_put_failure;
	if (nla_put_u32(msg, VOICEQOS_STATS_A_FLOWS, READ_ONCE(vn->n_flows)) ||
	    nla_put_u32(msg, VOICEQOS_STATS_A_MAX_FLOWS, READ_ONCE(vqos_max_flows)) ||
	    nla_put_u64_64bit(msg, VOICEQOS_STATS_A_EXPIRED, atomic64_read(&vn->expired),
			      VOICEQOS_STATS_A_PAD) ||
	    nla_put_u32(msg, VOICEQOS_STATS_A_HOOKS, READ_ONCE(vn->hooks_on)))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

void vqos_netlink_notify_expired(struct vqos_net *vn, struct vqos_flow *flow)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&vqos_genl_family, vn->net, VQOS_MCGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vqos_genl_family, 0, VOICEQOS_CMD_FLOW_EXPIRED);
	if (!hdr || vqos_nl_fill_flow(msg, flow)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vqos_genl_family, vn->net, msg, 0,
				VQOS_MCGRP_EVENTS, GFP_KERNEL);
}

bool vqos_netlink_sip_listened(struct vqos_net *vn)
{
	return genl_has_listeners(&vqos_genl_family, vn->net, VQOS_MCGRP_SIP);
}

/* Called from the hooks: atomic context, the packet is not ours to keep. */
int vqos_netlink_sip_copy(struct vqos_net *vn, const struct sk_buff *skb,
			  const struct vqos_sip_meta *m)
{
	const struct vqos_flow_key *k = &m->pkt->key;
	u32 copy = min_t(u32, m->plen, VOICEQOS_SIP_MAX_PAYLOAD);
	struct sk_buff *msg;
	struct nlattr *nest, *pl;
	void *hdr;

	msg = genlmsg_new(nla_total_size(copy) + 256, GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &vqos_genl_family, 0, VOICEQOS_CMD_SIP_COPY);
	if (!hdr)
		goto nla_put_failure;
	nest = nla_nest_start(msg, VOICEQOS_A_SIP);
	if (!nest ||
	    nla_put_u8(msg, VOICEQOS_SIP_A_HOOK, m->hook) ||
	    nla_put_u32(msg, VOICEQOS_SIP_A_IIF, m->iif) ||
	    nla_put_u32(msg, VOICEQOS_SIP_A_OIF, m->oif) ||
	    nla_put_u64_64bit(msg, VOICEQOS_SIP_A_TSTAMP, m->tstamp, VOICEQOS_SIP_A_PAD) ||
	    nla_put_u16(msg, VOICEQOS_SIP_A_FAMILY, k->family) ||
	    vqos_nl_put_addr(msg, VOICEQOS_SIP_A_SRC_ADDR, k->family, &k->src) ||
	    vqos_nl_put_addr(msg, VOICEQOS_SIP_A_DST_ADDR, k->family, &k->dst) ||
	    nla_put_u16(msg, VOICEQOS_SIP_A_SRC_PORT, ntohs(k->sport)) ||
	    nla_put_u16(msg, VOICEQOS_SIP_A_DST_PORT, ntohs(k->dport)) ||
	    nla_put_u8(msg, VOICEQOS_SIP_A_L4PROTO, m->pkt->l4proto))
		goto nla_put_failure;
	if (m->pkt->l4proto == IPPROTO_TCP &&
	    (nla_put_u32(msg, VOICEQOS_SIP_A_TCP_SEQ, m->tcp_seq) ||
	     nla_put_u8(msg, VOICEQOS_SIP_A_TCP_FLAGS, m->tcp_flags)))
		goto nla_put_failure;
	if (nla_put_u32(msg, VOICEQOS_SIP_A_PAYLOAD_LEN, m->plen))
		goto nla_put_failure;
	pl = nla_reserve(msg, VOICEQOS_SIP_A_PAYLOAD, copy);
	if (!pl || skb_copy_bits(skb, m->poff, nla_data(pl), copy))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&vqos_genl_family, vn->net, msg, 0,
				       VQOS_MCGRP_SIP, GFP_ATOMIC);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops vqos_genl_ops[] = {
	{
		.cmd = VOICEQOS_CMD_FLOW_NEW,
		.doit = vqos_nl_flow_new,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_FLOW_DEL,
		.doit = vqos_nl_flow_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_FLOW_GET,
		.doit = vqos_nl_flow_get,
		.dumpit = vqos_nl_flow_dump,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_FLOW_FLUSH,
		.doit = vqos_nl_flow_flush,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_CONFIG_GET,
		.doit = vqos_nl_config_get,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_CONFIG_SET,
		.doit = vqos_nl_config_set,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VOICEQOS_CMD_STATS_GET,
		.doit = vqos_nl_stats_get,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vqos_genl_mcgrps[] = {
	[VQOS_MCGRP_SIP] = { .name = VOICEQOS_MCGRP_SIP,
			     .flags = GENL_MCAST_CAP_NET_ADMIN },
	[VQOS_MCGRP_EVENTS] = { .name = VOICEQOS_MCGRP_EVENTS,
				.flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family vqos_genl_family __ro_after_init = {
	.name = VOICEQOS_GENL_NAME,
	.version = VOICEQOS_GENL_VERSION,
	.maxattr = VOICEQOS_A_MAX,
	.policy = vqos_genl_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vqos_genl_ops,
	.n_ops = ARRAY_SIZE(vqos_genl_ops),
	.mcgrps = vqos_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vqos_genl_mcgrps),
};

int __init vqos_netlink_init(void)
{
	return genl_register_family(&vqos_genl_family);
}

void vqos_netlink_uninit(void)
{
	genl_unregister_family(&vqos_genl_family);
}
