// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "print.h"

/*
 * Expected type per attribute. The kernel is trusted to be well-meaning,
 * not to be bug-free or the same version as we are: an attribute with a
 * wrong length is dropped instead of being read past its end.
 */
static const enum mnl_attr_data_type flow_types[VOICEQOS_FLOW_A_MAX + 1] = {
	[VOICEQOS_FLOW_A_FAMILY] = MNL_TYPE_U16,
	[VOICEQOS_FLOW_A_SRC_ADDR] = MNL_TYPE_BINARY,
	[VOICEQOS_FLOW_A_DST_ADDR] = MNL_TYPE_BINARY,
	[VOICEQOS_FLOW_A_SRC_PORT] = MNL_TYPE_U16,
	[VOICEQOS_FLOW_A_DST_PORT] = MNL_TYPE_U16,
	[VOICEQOS_FLOW_A_COOKIE] = MNL_TYPE_U64,
	[VOICEQOS_FLOW_A_MEDIA] = MNL_TYPE_U8,
	[VOICEQOS_FLOW_A_FLAGS] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_DSCP] = MNL_TYPE_U8,
	[VOICEQOS_FLOW_A_PRIORITY] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_MARK] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_MARK_MASK] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_RATE] = MNL_TYPE_U64,
	[VOICEQOS_FLOW_A_BURST] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_CLOCK_RATE] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_TIMEOUT] = MNL_TYPE_U32,
	[VOICEQOS_FLOW_A_LATCHED_ADDR] = MNL_TYPE_BINARY,
	[VOICEQOS_FLOW_A_LATCHED_PORT] = MNL_TYPE_U16,
	[VOICEQOS_FLOW_A_STATS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type fstat_types[VOICEQOS_FSTAT_A_MAX + 1] = {
	[VOICEQOS_FSTAT_A_PACKETS] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_BYTES] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_POLICED_PACKETS] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_POLICED_BYTES] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_IDLE_MS] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_AGE_MS] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_SSRC] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_EXT_MAX_SEQ] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_RECEIVED] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_EXPECTED] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_LOST] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_DUPLICATES] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_REORDERED] = MNL_TYPE_U64,
	[VOICEQOS_FSTAT_A_JITTER] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_JITTER_US] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_SSRC_CHANGES] = MNL_TYPE_U32,
	[VOICEQOS_FSTAT_A_RTCP] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type rtcp_types[VOICEQOS_RTCP_A_MAX + 1] = {
	[VOICEQOS_RTCP_A_PACKETS] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_SSRC] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_SR_NTP] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_SR_AGE_MS] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_BLOCK_SSRC] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_FRACTION_LOST] = MNL_TYPE_U8,
	[VOICEQOS_RTCP_A_CUM_LOST] = MNL_TYPE_U32,	/* NLA_S32: 4 bytes */
	[VOICEQOS_RTCP_A_EXT_MAX_SEQ] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_JITTER] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_LSR] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_DLSR] = MNL_TYPE_U32,
	[VOICEQOS_RTCP_A_RR_AGE_MS] = MNL_TYPE_U32,
};

const enum mnl_attr_data_type vq_sip_attr_types[VOICEQOS_SIP_A_MAX + 1] = {
	[VOICEQOS_SIP_A_HOOK] = MNL_TYPE_U8,
	[VOICEQOS_SIP_A_IIF] = MNL_TYPE_U32,
	[VOICEQOS_SIP_A_OIF] = MNL_TYPE_U32,
	[VOICEQOS_SIP_A_TSTAMP] = MNL_TYPE_U64,
	[VOICEQOS_SIP_A_FAMILY] = MNL_TYPE_U16,
	[VOICEQOS_SIP_A_SRC_ADDR] = MNL_TYPE_BINARY,
	[VOICEQOS_SIP_A_DST_ADDR] = MNL_TYPE_BINARY,
	[VOICEQOS_SIP_A_SRC_PORT] = MNL_TYPE_U16,
	[VOICEQOS_SIP_A_DST_PORT] = MNL_TYPE_U16,
	[VOICEQOS_SIP_A_L4PROTO] = MNL_TYPE_U8,
	[VOICEQOS_SIP_A_TCP_SEQ] = MNL_TYPE_U32,
	[VOICEQOS_SIP_A_TCP_FLAGS] = MNL_TYPE_U8,
	[VOICEQOS_SIP_A_PAYLOAD] = MNL_TYPE_BINARY,
	[VOICEQOS_SIP_A_PAYLOAD_LEN] = MNL_TYPE_U32,
};

struct typed_ctx {
	const struct nlattr **tb;
	const enum mnl_attr_data_type *types;
	int max;
};

static int typed_cb(const struct nlattr *attr, void *data)
{
	struct typed_ctx *c = data;
	int type = mnl_attr_get_type(attr);

	if (type > c->max || c->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, c->types[type]) < 0)
		return MNL_CB_OK;
	c->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_typed(const struct nlattr *nest, const struct nlattr **tb,
		       const enum mnl_attr_data_type *types, int max)
{
	struct typed_ctx c = { tb, types, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	/* mnl's nested validation trusts nla_len >= header; callers may not. */
	if (mnl_attr_get_len(nest) < MNL_ATTR_HDRLEN ||
	    mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, typed_cb, &c) < 0)
		return -EBADMSG;
	return 0;
}

static uint64_t get_uint(const struct nlattr *a, enum mnl_attr_data_type t)
{
	switch (t) {
	case MNL_TYPE_U8:
		return mnl_attr_get_u8(a);
	case MNL_TYPE_U16:
		return mnl_attr_get_u16(a);
	case MNL_TYPE_U32:
		return mnl_attr_get_u32(a);
	case MNL_TYPE_U64:
		return mnl_attr_get_u64(a);
	default:
		return 0;
	}
}

/* A usable address for family, copied into ep; false leaves ep untouched. */
static bool get_addr(const struct nlattr *a, uint16_t family,
		     struct vq_endpoint *ep)
{
	size_t len = vq_addr_len(family);
	static const uint8_t zero[16];

	if (!a || !len || mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(ep->addr, mnl_attr_get_payload(a), len);
	/* All-zero is the UAPI's other spelling of "any source". */
	ep->any_addr = memcmp(ep->addr, zero, len) == 0;
	return true;
}

static void rtcp_parse(const struct nlattr *nest, struct vq_flow *f)
{
	const struct nlattr *tb[VOICEQOS_RTCP_A_MAX + 1];
	int i;

	if (parse_typed(nest, tb, rtcp_types, VOICEQOS_RTCP_A_MAX) < 0)
		return;
	for (i = 1; i <= VOICEQOS_RTCP_A_MAX; i++) {
		if (!tb[i])
			continue;
		f->rtcp.v[i] = get_uint(tb[i], rtcp_types[i]);
		f->rtcp.present |= VQ_BIT(i);
	}
	if (tb[VOICEQOS_RTCP_A_CUM_LOST])
		f->rtcp.v[VOICEQOS_RTCP_A_CUM_LOST] =
			(uint64_t)(int64_t)(int32_t)mnl_attr_get_u32(tb[VOICEQOS_RTCP_A_CUM_LOST]);
}

int vq_flow_parse(const struct nlattr *nest, struct vq_flow *f)
{
	const struct nlattr *tb[VOICEQOS_FLOW_A_MAX + 1];
	const struct nlattr *st[VOICEQOS_FSTAT_A_MAX + 1];
	int i;

	memset(f, 0, sizeof(*f));
	if (parse_typed(nest, tb, flow_types, VOICEQOS_FLOW_A_MAX) < 0)
		return -EBADMSG;
	if (!tb[VOICEQOS_FLOW_A_FAMILY])
		return -EBADMSG;
	f->family = mnl_attr_get_u16(tb[VOICEQOS_FLOW_A_FAMILY]);
	if (!vq_addr_len(f->family))
		return -EBADMSG;
	VQ_SET(f, FAMILY);
	f->dst.family = f->src.family = f->latched.family = f->family;
	if (!get_addr(tb[VOICEQOS_FLOW_A_DST_ADDR], f->family, &f->dst) ||
	    !tb[VOICEQOS_FLOW_A_DST_PORT])
		return -EBADMSG;
	f->dst.port = mnl_attr_get_u16(tb[VOICEQOS_FLOW_A_DST_PORT]);
	VQ_SET(f, DST_ADDR);
	VQ_SET(f, DST_PORT);

	f->src.any_addr = true;
	if (get_addr(tb[VOICEQOS_FLOW_A_SRC_ADDR], f->family, &f->src))
		VQ_SET(f, SRC_ADDR);
	if (tb[VOICEQOS_FLOW_A_SRC_PORT]) {
		f->src.port = mnl_attr_get_u16(tb[VOICEQOS_FLOW_A_SRC_PORT]);
		VQ_SET(f, SRC_PORT);
	}
	if (get_addr(tb[VOICEQOS_FLOW_A_LATCHED_ADDR], f->family, &f->latched))
		VQ_SET(f, LATCHED_ADDR);
	if (tb[VOICEQOS_FLOW_A_LATCHED_PORT]) {
		f->latched.port = mnl_attr_get_u16(tb[VOICEQOS_FLOW_A_LATCHED_PORT]);
		VQ_SET(f, LATCHED_PORT);
	}

#define GET(attr, field) do {						\
	if (tb[VOICEQOS_FLOW_A_##attr]) {				\
		f->field = get_uint(tb[VOICEQOS_FLOW_A_##attr],		\
				    flow_types[VOICEQOS_FLOW_A_##attr]);\
		VQ_SET(f, attr);					\
	}								\
} while (0)
	GET(COOKIE, cookie);
	GET(MEDIA, media);
	GET(FLAGS, flags);
	GET(DSCP, dscp);
	GET(PRIORITY, priority);
	GET(MARK, mark);
	GET(MARK_MASK, mark_mask);
	GET(RATE, rate);
	GET(BURST, burst);
	GET(CLOCK_RATE, clock_rate);
	GET(TIMEOUT, timeout);
#undef GET

	if (tb[VOICEQOS_FLOW_A_STATS] &&
	    parse_typed(tb[VOICEQOS_FLOW_A_STATS], st, fstat_types,
			VOICEQOS_FSTAT_A_MAX) == 0) {
		VQ_SET(f, STATS);
		for (i = 1; i <= VOICEQOS_FSTAT_A_MAX; i++) {
			if (!st[i] || fstat_types[i] == MNL_TYPE_NESTED)
				continue;
			f->st.v[i] = get_uint(st[i], fstat_types[i]);
			f->st.present |= VQ_BIT(i);
		}
		if (st[VOICEQOS_FSTAT_A_RTCP])
			rtcp_parse(st[VOICEQOS_FSTAT_A_RTCP], f);
	}
	return 0;
}

void vq_flow_put(struct nlmsghdr *nlh, const struct vq_flow *f)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
	size_t alen = vq_addr_len(f->family);

	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, f->family);
	mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, alen, f->dst.addr);
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, f->dst.port);
	/* Wildcard parts are left out, as the UAPI's key rules expect. */
	if (!f->src.any_addr)
		mnl_attr_put(nlh, VOICEQOS_FLOW_A_SRC_ADDR, alen, f->src.addr);
	if (f->src.port)
		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_SRC_PORT, f->src.port);
	if (VQ_HAS(f, COOKIE))
		mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_COOKIE, f->cookie);
	if (VQ_HAS(f, MEDIA))
		mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_MEDIA, f->media);
	if (VQ_HAS(f, FLAGS))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_FLAGS, f->flags);
	if (VQ_HAS(f, DSCP))
		mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_DSCP, f->dscp);
	if (VQ_HAS(f, PRIORITY))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_PRIORITY, f->priority);
	if (VQ_HAS(f, MARK))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_MARK, f->mark);
	if (VQ_HAS(f, MARK_MASK))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_MARK_MASK, f->mark_mask);
	if (VQ_HAS(f, RATE))
		mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_RATE, f->rate);
	if (VQ_HAS(f, BURST))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_BURST, f->burst);
	if (VQ_HAS(f, CLOCK_RATE))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_CLOCK_RATE, f->clock_rate);
	if (VQ_HAS(f, TIMEOUT))
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_TIMEOUT, f->timeout);
	mnl_attr_nest_end(nlh, nest);
}

static uint64_t st_or0(const struct vq_flow *f, int a)
{
	return (f->st.present & VQ_BIT(a)) ? f->st.v[a] : 0;
}

void vq_flow_print(FILE *out, const struct vq_flow *f)
{
	char dst[VQ_EP_STRLEN], src[VQ_EP_STRLEN], buf[32];
	const char *media = vq_media_name(f->media);

	fprintf(out, "%s <- %s cookie %" PRIu64,
		vq_format_endpoint(&f->dst, dst, sizeof(dst)),
		vq_format_endpoint(&f->src, src, sizeof(src)), f->cookie);
	if (media)
		fprintf(out, " media %s", media);
	else
		fprintf(out, " media %u", f->media);
	if (f->flags & VOICEQOS_FLOW_F_RTCP)
		fputs(" rtcp", out);
	fprintf(out, " dscp %s", VQ_HAS(f, DSCP) ?
		vq_format_dscp(f->dscp, buf, sizeof(buf)) : "-");
	fprintf(out, " prio %s", vq_format_handle(f->priority, buf, sizeof(buf)));
	fprintf(out, " rate %s", vq_format_rate(f->rate, buf, sizeof(buf)));
	fprintf(out, " pkts %" PRIu64 " bytes %" PRIu64 " lost %" PRIu64
		" jitter %" PRIu64 "us policed %" PRIu64 "/%" PRIu64
		" idle %" PRIu64 "s",
		st_or0(f, VOICEQOS_FSTAT_A_PACKETS),
		st_or0(f, VOICEQOS_FSTAT_A_BYTES),
		st_or0(f, VOICEQOS_FSTAT_A_LOST),
		st_or0(f, VOICEQOS_FSTAT_A_JITTER_US),
		st_or0(f, VOICEQOS_FSTAT_A_POLICED_PACKETS),
		st_or0(f, VOICEQOS_FSTAT_A_POLICED_BYTES),
		st_or0(f, VOICEQOS_FSTAT_A_IDLE_MS) / 1000);
	if (VQ_HAS(f, LATCHED_ADDR))
		fprintf(out, " latched %s",
			vq_format_endpoint(&f->latched, src, sizeof(src)));
	if (VQ_ST_HAS(f, SSRC))
		fprintf(out, " ssrc 0x%08" PRIx64 " seq %" PRIu64, VQ_ST(f, SSRC),
			st_or0(f, VOICEQOS_FSTAT_A_EXT_MAX_SEQ));
	/* What the far receiver says of the stream it gets (RFC 3550 6.4). */
	if (VQ_RTCP_HAS(f, BLOCK_SSRC))
		fprintf(out, " report lost %" PRId64 " frac %" PRIu64 "/256 jitter %" PRIu64,
			(int64_t)VQ_RTCP(f, CUM_LOST), VQ_RTCP(f, FRACTION_LOST),
			VQ_RTCP(f, JITTER));
	fputc('\n', out);
}

static const char *family_name(uint16_t family)
{
	return family == AF_INET6 ? "inet6" : family == AF_INET ? "inet" : NULL;
}

static void json_ep(struct json *j, const char *ka, const char *kp,
		    const struct vq_endpoint *ep, bool have)
{
	char a[VQ_EP_STRLEN];

	json_kv_str(j, ka, have && !ep->any_addr ?
		    vq_format_addr(ep, a, sizeof(a)) : NULL);
	json_kv_opt(j, kp, have && ep->port, ep->port);
}

static const struct {
	const char *name;
	int attr;
} fstat_keys[] = {
	{ "packets", VOICEQOS_FSTAT_A_PACKETS },
	{ "bytes", VOICEQOS_FSTAT_A_BYTES },
	{ "policed_packets", VOICEQOS_FSTAT_A_POLICED_PACKETS },
	{ "policed_bytes", VOICEQOS_FSTAT_A_POLICED_BYTES },
	{ "idle_ms", VOICEQOS_FSTAT_A_IDLE_MS },
	{ "age_ms", VOICEQOS_FSTAT_A_AGE_MS },
	{ "ssrc", VOICEQOS_FSTAT_A_SSRC },
	{ "ext_max_seq", VOICEQOS_FSTAT_A_EXT_MAX_SEQ },
	{ "received", VOICEQOS_FSTAT_A_RECEIVED },
	{ "expected", VOICEQOS_FSTAT_A_EXPECTED },
	{ "lost", VOICEQOS_FSTAT_A_LOST },
	{ "duplicates", VOICEQOS_FSTAT_A_DUPLICATES },
	{ "reordered", VOICEQOS_FSTAT_A_REORDERED },
	{ "jitter", VOICEQOS_FSTAT_A_JITTER },
	{ "jitter_us", VOICEQOS_FSTAT_A_JITTER_US },
	{ "ssrc_changes", VOICEQOS_FSTAT_A_SSRC_CHANGES },
};

static const struct {
	const char *name;
	int attr;
} rtcp_keys[] = {
	{ "packets", VOICEQOS_RTCP_A_PACKETS },
	{ "ssrc", VOICEQOS_RTCP_A_SSRC },
	{ "sr_ntp", VOICEQOS_RTCP_A_SR_NTP },
	{ "sr_age_ms", VOICEQOS_RTCP_A_SR_AGE_MS },
	{ "block_ssrc", VOICEQOS_RTCP_A_BLOCK_SSRC },
	{ "fraction_lost", VOICEQOS_RTCP_A_FRACTION_LOST },
	{ "cum_lost", VOICEQOS_RTCP_A_CUM_LOST },
	{ "ext_max_seq", VOICEQOS_RTCP_A_EXT_MAX_SEQ },
	{ "jitter", VOICEQOS_RTCP_A_JITTER },
	{ "lsr", VOICEQOS_RTCP_A_LSR },
	{ "dlsr", VOICEQOS_RTCP_A_DLSR },
	{ "rr_age_ms", VOICEQOS_RTCP_A_RR_AGE_MS },
};

/* Every key is always written (null when absent) so consumers see one schema. */
void vq_flow_json(struct json *j, const struct vq_flow *f)
{
	char buf[32];
	size_t i;

	json_obj_begin(j);
	json_kv_str(j, "family", family_name(f->family));
	json_ep(j, "src", "src_port", &f->src, true);
	json_ep(j, "dst", "dst_port", &f->dst, true);
	json_kv_opt(j, "cookie", VQ_HAS(f, COOKIE), f->cookie);
	json_kv_str(j, "media", vq_media_name(f->media));
	json_key(j, "rtcp");
	json_bool(j, f->flags & VOICEQOS_FLOW_F_RTCP);
	json_kv_opt(j, "dscp", VQ_HAS(f, DSCP), f->dscp);
	json_kv_str(j, "priority", vq_format_handle(f->priority, buf, sizeof(buf)));
	json_kv_opt(j, "mark", VQ_HAS(f, MARK), f->mark);
	/* The UAPI: MARK without MARK_MASK owns all bits. */
	json_kv_opt(j, "mark_mask", VQ_HAS(f, MARK) || VQ_HAS(f, MARK_MASK),
		    VQ_HAS(f, MARK_MASK) ? f->mark_mask : UINT32_MAX);
	json_kv_opt(j, "rate", VQ_HAS(f, RATE), f->rate);
	json_kv_opt(j, "burst", VQ_HAS(f, BURST), f->burst);
	json_kv_opt(j, "clock_rate", VQ_HAS(f, CLOCK_RATE), f->clock_rate);
	json_kv_opt(j, "timeout", VQ_HAS(f, TIMEOUT), f->timeout);
	json_ep(j, "latched_src", "latched_port", &f->latched,
		VQ_HAS(f, LATCHED_ADDR));
	json_key(j, "stats");
	json_obj_begin(j);
	for (i = 0; i < sizeof(fstat_keys) / sizeof(fstat_keys[0]); i++) {
		int a = fstat_keys[i].attr;

		json_kv_opt(j, fstat_keys[i].name,
			    f->st.present & VQ_BIT(a), f->st.v[a]);
	}
	json_obj_end(j);
	json_key(j, "rtcp_report");
	if (!f->rtcp.present) {
		json_null(j);
	} else {
		json_obj_begin(j);
		for (i = 0; i < sizeof(rtcp_keys) / sizeof(rtcp_keys[0]); i++) {
			int a = rtcp_keys[i].attr;

			json_key(j, rtcp_keys[i].name);
			if (!(f->rtcp.present & VQ_BIT(a)))
				json_null(j);
			else if (a == VOICEQOS_RTCP_A_CUM_LOST)
				json_i64(j, (int64_t)f->rtcp.v[a]);
			else
				json_u64(j, f->rtcp.v[a]);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

int vq_sip_nl_parse(const struct nlattr *nest, struct vq_sip *s)
{
	const struct nlattr *tb[VOICEQOS_SIP_A_MAX + 1];
	uint16_t family;
	int i;

	memset(s, 0, sizeof(*s));
	if (parse_typed(nest, tb, vq_sip_attr_types, VOICEQOS_SIP_A_MAX) < 0 ||
	    !tb[VOICEQOS_SIP_A_FAMILY])
		return -EBADMSG;
	family = mnl_attr_get_u16(tb[VOICEQOS_SIP_A_FAMILY]);
	if (!vq_addr_len(family))
		return -EBADMSG;
	for (i = 1; i <= VOICEQOS_SIP_A_MAX; i++)
		if (tb[i])
			s->present |= VQ_BIT(i);
	s->src.family = s->dst.family = family;
	s->src.any_addr = !get_addr(tb[VOICEQOS_SIP_A_SRC_ADDR], family, &s->src);
	s->dst.any_addr = !get_addr(tb[VOICEQOS_SIP_A_DST_ADDR], family, &s->dst);
#define U(attr, field) do {						\
	if (tb[VOICEQOS_SIP_A_##attr])					\
		s->field = get_uint(tb[VOICEQOS_SIP_A_##attr],		\
				    vq_sip_attr_types[VOICEQOS_SIP_A_##attr]);	\
} while (0)
	U(HOOK, hook);
	U(IIF, iif);
	U(OIF, oif);
	U(TSTAMP, tstamp);
	U(SRC_PORT, src.port);
	U(DST_PORT, dst.port);
	U(L4PROTO, proto);
	U(TCP_SEQ, tcp_seq);
	U(TCP_FLAGS, tcp_flags);
	U(PAYLOAD_LEN, payload_len);
#undef U
	if (tb[VOICEQOS_SIP_A_PAYLOAD]) {
		s->payload = mnl_attr_get_payload(tb[VOICEQOS_SIP_A_PAYLOAD]);
		s->payload_copied = mnl_attr_get_payload_len(tb[VOICEQOS_SIP_A_PAYLOAD]);
	}
	if (!tb[VOICEQOS_SIP_A_PAYLOAD_LEN])
		s->payload_len = s->payload_copied;
	return 0;
}

const char *vq_hook_name(unsigned int hook)
{
	/* nft's names for the NF_INET_* hooks */
	static const char *const names[] = {
		"prerouting", "input", "forward", "output", "postrouting",
	};

	return hook < sizeof(names) / sizeof(names[0]) ? names[hook] : NULL;
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	if (proto == IPPROTO_UDP)
		return "udp";
	if (proto == IPPROTO_TCP)
		return "tcp";
	snprintf(buf, len, "%u", proto);
	return buf;
}

void vq_escape_c(FILE *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\r':
			fputs("\\r", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '"':
		case '\\':
			fputc('\\', out);
			fputc(s[i], out);
			break;
		default:
			if (s[i] < 0x20 || s[i] >= 0x7f)
				fprintf(out, "\\x%02x", s[i]);
			else
				fputc(s[i], out);
		}
	}
}

void vq_sip_print(FILE *out, const struct vq_sip *s)
{
	char src[VQ_EP_STRLEN], dst[VQ_EP_STRLEN], pb[8];
	const char *hook = vq_hook_name(s->hook);

	fputs("sip ", out);
	if (hook)
		fputs(hook, out);
	else
		fprintf(out, "hook%u", s->hook);
	fprintf(out, " ts %" PRIu64 ".%09" PRIu64 " iif %u oif %u %s %s -> %s",
		s->tstamp / 1000000000U, s->tstamp % 1000000000U, s->iif,
		s->oif, proto_name(s->proto, pb, sizeof(pb)),
		vq_format_endpoint(&s->src, src, sizeof(src)),
		vq_format_endpoint(&s->dst, dst, sizeof(dst)));
	if (s->proto == IPPROTO_TCP)
		fprintf(out, " seq %u flags 0x%02x", s->tcp_seq, s->tcp_flags);
	fprintf(out, " len %u", s->payload_len);
	if (s->payload_len > s->payload_copied)
		fputs(" truncated", out);
	fputs(" \"", out);
	vq_escape_c(out, s->payload, s->payload_copied);
	fputs("\"\n", out);
}

void vq_sip_json(struct json *j, const struct vq_sip *s)
{
	bool tcp = s->proto == IPPROTO_TCP;
	char buf[16];
	const char *hook = vq_hook_name(s->hook);

	if (!hook) {
		snprintf(buf, sizeof(buf), "%u", s->hook);
		hook = buf;
	}
	json_obj_begin(j);
	json_kv_str(j, "event", "sip");
	json_kv_str(j, "hook", hook);
	json_kv_u64(j, "iif", s->iif);
	json_kv_u64(j, "oif", s->oif);
	json_kv_u64(j, "tstamp_ns", s->tstamp);
	json_kv_str(j, "family", family_name(s->src.family));
	json_ep(j, "src", "src_port", &s->src, true);
	json_ep(j, "dst", "dst_port", &s->dst, true);
	json_kv_str(j, "proto", proto_name(s->proto, buf, sizeof(buf)));
	json_kv_opt(j, "tcp_seq", tcp, s->tcp_seq);
	json_kv_opt(j, "tcp_flags", tcp, s->tcp_flags);
	json_kv_u64(j, "len", s->payload_len);
	json_key(j, "truncated");
	json_bool(j, s->payload_len > s->payload_copied);
	json_key(j, "payload");
	json_strn(j, s->payload ? s->payload : "", s->payload_copied);
	json_obj_end(j);
}
