// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_hooks: the packet path of hooks.c (vqos_parse(), then
 * vqos_packet(): SIP decision, flow lookup, counters, DSCP rewrite, RTP
 * statistics) driven with crafted packets in a private struct vqos_net with
 * two flows, one per family. Every vector runs with the packet linear and
 * split between the skb head and a page fragment at every offset, and the
 * ones that rewrite the DSCP also on a clone and on a shared skb.
 *
 * The bytes of the whole crafted packet stay in the buffers beyond skb->len
 * and beyond the head's length: a parse that read past the packet, or
 * dereferenced a header that is not linear, would find plausible headers
 * there and misclassify, which the expectations catch; reads past the
 * buffers themselves are KASAN's (tools/kunit.sh --kasan).
 */

#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "flow.h"
#include "hooks.h"
#include "netns.h"
#include "sip.h"

#define HK_MAX		768	/* longest crafted packet */
#define HK_SPORT	40000
#define HK_DPORT	5004
#define HK_SIP_PORT	5060
#define HK_FLOW_DSCP	46	/* EF */
#define HK_SIP_DSCP	24	/* CS3 */
#define HK_SEQ		0x1234
#define HK_EMPTY	(-1)	/* plen: no UDP payload at all */
#define HK_END		0xff	/* ends an IPv6 extension chain */

/* What vqos_packet() must do with a vector. */
enum hk_want {
	HK_NONE,	/* vqos_parse() refuses it: nothing moves */
	HK_PARSED,	/* parsed, but neither SIP nor media: nothing moves */
	HK_COUNTED,	/* UDP in a namespace with flows, no flow: "packets" */
	HK_MEDIA,	/* a flow's packet: matched, marked, DSCP 46 */
	HK_SIP,		/* signalling: DSCP 24 */
};

struct hk_case {
	const char *name;
	u8 family;		/* 4 or 6 */
	u8 proto;		/* 0: UDP */
	bool rtcp_flow;		/* to the RTCP flow (ports HK_SPORT + 1, HK_DPORT + 1) */
	u16 dport;		/* 0: HK_DPORT (the flows'), HK_DPORT + 1 for rtcp_flow */
	u8 tos;			/* IPv4 TOS / IPv6 traffic class */
	u8 version;		/* 0: right for the family */
	u8 ihl;			/* 0: 5 + options */
	u16 frag;		/* IPv4 frag_off (host order) */
	u8 opt[40];		/* IPv4 options */
	u8 optlen;
	u8 chain[20];		/* IPv6 extension headers, HK_END-terminated */
	u16 frag6;		/* the fragment header's frag_off (host order) */
	bool bad_ext_len;	/* the last extension header claims 2 KiB */
	int tot_adj;		/* added to the IP length field */
	int ulen_adj;		/* added to the UDP length field */
	s16 plen;		/* UDP payload bytes; 0: 172, HK_EMPTY: none */
	u8 rtp0;		/* first RTP byte; 0: 0x80 (V=2) */
	u8 rtp1;		/* M + PT */
	u16 w1;			/* RTP sequence number / RTCP length; 0: HK_SEQ */
	u16 xlen;		/* X set in rtp0: the extension's length word */
	u8 pad;			/* the payload's last byte (P's count) */
	u8 tail;		/* bytes after the datagram (link padding) */
	bool local_in;		/* NF_INET_LOCAL_IN, not FORWARD */
	enum hk_want want;
	bool rtp;		/* the flow's RTP (or RTCP) state takes the packet */
};

/* A crafted packet and what the parse must find in it. */
struct hk_pkt {
	u8 b[HK_MAX];
	unsigned int len;	/* including the tail */
	unsigned int thoff;
	unsigned int end;	/* where the UDP length or IP length ends */
};

static const struct in6_addr hk_src6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
static const struct in6_addr hk_dst6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } } };
#define HK_SRC4 htonl(0xc0000201)	/* 192.0.2.1 */
#define HK_DST4 htonl(0xc6336402)	/* 198.51.100.2 */

/* ---- building packets --------------------------------------------------- */

static unsigned int hk_ext(const struct hk_case *c, u8 *b, unsigned int i)
{
	u8 type = c->chain[i], next = c->chain[i + 1];
	unsigned int len = 8;

	if (next == HK_END)
		next = c->proto ? c->proto : IPPROTO_UDP;
	memset(b, 0, 24);
	b[0] = next;
	switch (type) {
	case NEXTHDR_HOP:
	case NEXTHDR_DEST:
		b[2] = IPV6_TLV_PADN;
		b[3] = 4;
		break;
	case NEXTHDR_ROUTING:
		b[1] = 2;		/* 24 bytes: type 0, no segments left */
		len = 24;
		break;
	case NEXTHDR_FRAGMENT:
		put_unaligned_be16(c->frag6, b + 2);
		put_unaligned_be32(0xdeadbeef, b + 4);
		break;
	case NEXTHDR_AUTH:
		b[1] = 4;		/* (4 + 2) * 4 = 24 bytes */
		len = 24;
		break;
	case NEXTHDR_ESP:
		/* SPI, sequence number; what follows is ciphertext. */
		put_unaligned_be32(0x100, b);
		put_unaligned_be32(1, b + 4);
		break;
	default:
		break;
	}
	return len;
}

static void hk_build(const struct hk_case *c, struct hk_pkt *p)
{
	u8 proto = c->proto ? c->proto : IPPROTO_UDP;
	unsigned int l3, l4 = proto == IPPROTO_TCP ? 20 : 8, plen, i;
	u8 *b = p->b, *l4h, *pl;

	memset(p, 0, sizeof(*p));
	plen = c->plen == HK_EMPTY ? 0 : c->plen ? c->plen : 172;
	if (c->family == 4) {
		l3 = 20 + c->optlen;
		b[0] = (c->version ? c->version : 4) << 4 |
		       ((c->ihl ? c->ihl : l3 / 4) & 0xf);
		b[1] = c->tos;
		put_unaligned_be16(l3 + l4 + plen + c->tot_adj, b + 2);
		put_unaligned_be16(0x4242, b + 4);
		put_unaligned_be16(c->frag, b + 6);
		b[8] = 64;
		b[9] = proto;
		memcpy(b + 12, &(__be32){ HK_SRC4 }, 4);
		memcpy(b + 16, &(__be32){ HK_DST4 }, 4);
		memcpy(b + 20, c->opt, c->optlen);
		put_unaligned((__force u16)ip_fast_csum(b, l3 / 4), (u16 *)(b + 10));
	} else {
		l3 = 40;
		for (i = 0; c->chain[0] != HK_END && i < ARRAY_SIZE(c->chain) &&
		     c->chain[i] != HK_END; i++)
			l3 += hk_ext(c, b + l3, i);
		if (c->bad_ext_len && l3 > 40)
			b[l3 - (c->chain[i - 1] == NEXTHDR_ROUTING ||
				c->chain[i - 1] == NEXTHDR_AUTH ? 24 : 8) + 1] = 255;
		b[0] = (c->version ? c->version : 6) << 4 | c->tos >> 4;
		b[1] = c->tos << 4;
		put_unaligned_be16(l3 - 40 + l4 + plen + c->tot_adj, b + 4);
		b[6] = c->chain[0] != HK_END ? c->chain[0] : proto;
		b[7] = 64;
		memcpy(b + 8, &hk_src6, 16);
		memcpy(b + 24, &hk_dst6, 16);
	}

	l4h = b + l3;
	put_unaligned_be16(HK_SPORT + c->rtcp_flow, l4h);
	put_unaligned_be16(c->dport ? c->dport : HK_DPORT + c->rtcp_flow, l4h + 2);
	if (proto == IPPROTO_TCP) {
		put_unaligned_be32(1000, l4h + 4);
		l4h[12] = 5 << 4;	/* doff */
		l4h[13] = 0x18;	/* ACK, PSH */
	} else {
		put_unaligned_be16(l4 + plen + c->ulen_adj, l4h + 4);
	}

	pl = l4h + l4;
	for (i = 0; i < plen; i++)
		pl[i] = i * 7 + 3;
	if (plen >= 12) {
		pl[0] = c->rtp0 ? c->rtp0 : 0x80;
		pl[1] = c->rtp1;
		put_unaligned_be16(c->w1 ? c->w1 : HK_SEQ, pl + 2);
		put_unaligned_be32(160000, pl + 4);
		put_unaligned_be32(0x5eed, pl + 8);
		if (pl[0] & 0x10) {
			unsigned int x = 12 + (pl[0] & 0x0f) * 4;

			if (x + 4 <= plen) {
				put_unaligned_be16(0xbede, pl + x);
				put_unaligned_be16(c->xlen, pl + x + 2);
			}
		}
		if (c->pad)
			pl[plen - 1] = c->pad;
	}
	p->thoff = l3;
	p->end = l3 + l4 + plen;
	if (proto == IPPROTO_UDP && c->ulen_adj < 0)
		p->end += c->ulen_adj;
	/* Link-layer padding: a valid-looking RTP header, to be left alone. */
	for (i = 0; i < c->tail; i++)
		b[l3 + l4 + plen + i] = i ? 0x11 : 0x80;
	p->len = l3 + l4 + plen + c->tail;
}

/*
 * @len bytes of @p as an skb, the first @split of them in the head and the
 * rest in a page fragment. All of @p's bytes are in both buffers beyond
 * what the skb covers.
 */
static struct sk_buff *hk_skb(struct kunit *test, const struct hk_pkt *p,
			      unsigned int len, unsigned int split, u8 family)
{
	struct sk_buff *skb;
	struct page *page;

	skb = alloc_skb(HK_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	memcpy(skb->data, p->b, p->len);
	skb_put(skb, min(split, len));
	if (len > split) {
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			kfree_skb(skb);
			KUNIT_ASSERT_NOT_NULL(test, page);
		}
		memcpy(page_address(page), p->b + split, p->len - split);
		skb_add_rx_frag(skb, 0, page, 0, len - split, PAGE_SIZE);
	}
	skb_reset_network_header(skb);
	skb->protocol = htons(family == 4 ? ETH_P_IP : ETH_P_IPV6);
	return skb;
}

/* ---- the namespace state ------------------------------------------------- */

struct hk_priv {
	struct vqos_net vn;
	struct vqos_config cfg;
	struct vqos_flow *flow4, *flow6, *flow4c;
	u8 got[HK_MAX];
	u8 exp[HK_MAX];
};

static struct vqos_flow *hk_flow_add(struct kunit *test, struct hk_priv *h,
				     u8 family, bool rtcp)
{
	struct vqos_flow_params p = {
		.cookie = family + rtcp,
		.flags = rtcp ? VOICEQOS_FLOW_F_RTCP : 0,
		.dscp = HK_FLOW_DSCP,
		.priority = 0x56510010,
		.clock_rate = 8000,
		.timeout = 3600,
	};
	struct vqos_flow_key k;
	struct vqos_flow *f;

	memset(&k, 0, sizeof(k));
	if (family == 4) {
		k.family = AF_INET;
		k.src.ip = HK_SRC4;
		k.dst.ip = HK_DST4;
	} else {
		k.family = AF_INET6;
		k.src.ip6 = hk_src6;
		k.dst.ip6 = hk_dst6;
	}
	k.sport = htons(HK_SPORT + rtcp);
	k.dport = htons(HK_DPORT + rtcp);
	KUNIT_ASSERT_EQ(test, vqos_flow_new(&h->vn, &k, &p, true, NULL), 0);
	mutex_lock(&h->vn.lock);
	f = vqos_flow_find_locked(&h->vn, &k);
	mutex_unlock(&h->vn.lock);
	KUNIT_ASSERT_NOT_NULL(test, f);
	return f;
}

static int vqos_hooks_test_init(struct kunit *test)
{
	struct hk_priv *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->vn.net = &init_net;	/* the SIP mirror is off: nothing is sent */
	h->vn.stats = alloc_percpu(struct vqos_pcpu_stats);
	KUNIT_ASSERT_NOT_NULL(test, h->vn.stats);
	h->cfg.sip_ports[0] = HK_SIP_PORT;
	h->cfg.n_sip_ports = 1;
	h->cfg.sip_dscp = HK_SIP_DSCP;
	h->cfg.sip_priority = 0x56510020;
	h->cfg.be_priority = 0x56510030;
	RCU_INIT_POINTER(h->vn.cfg, &h->cfg);
	if (vqos_flow_table_init(&h->vn)) {
		free_percpu(h->vn.stats);
		KUNIT_FAIL(test, "vqos_flow_table_init failed");
		return -ENOMEM;
	}
	test->priv = h;
	h->flow4 = hk_flow_add(test, h, 4, false);
	h->flow6 = hk_flow_add(test, h, 6, false);
	h->flow4c = hk_flow_add(test, h, 4, true);
	return 0;
}

static void vqos_hooks_test_exit(struct kunit *test)
{
	struct hk_priv *h = test->priv;

	if (!h)
		return;
	vqos_flow_table_uninit(&h->vn);
	free_percpu(h->vn.stats);
}

/* ---- running one packet -------------------------------------------------- */

enum hk_layout { HK_PLAIN, HK_CLONED, HK_SHARED };

static const char * const hk_layout_name[] = { "plain", "cloned", "shared" };

/* The packet as it must leave the hook, given the DSCP to write (or -1). */
static void hk_expect_bytes(const struct hk_pkt *p, u8 family, int dscp, u8 *out)
{
	memcpy(out, p->b, p->len);
	if (dscp < 0)
		return;
	if (family == 4) {
		out[1] = (out[1] & 3) | dscp << 2;
		out[10] = 0;
		out[11] = 0;
		put_unaligned((__force u16)ip_fast_csum(out, (out[0] & 0xf)),
			      (u16 *)(out + 10));
	} else {
		u8 tc = (out[0] << 4 | out[1] >> 4);

		tc = (tc & 3) | dscp << 2;
		out[0] = (out[0] & 0xf0) | tc >> 4;
		out[1] = (out[1] & 0x0f) | tc << 4;
	}
}

static int hk_dscp_of(const struct hk_case *c)
{
	u8 cur = c->tos >> 2;

	if (c->want == HK_MEDIA && cur != HK_FLOW_DSCP)
		return HK_FLOW_DSCP;
	if (c->want == HK_SIP && !c->local_in && cur != HK_SIP_DSCP)
		return HK_SIP_DSCP;
	return -1;
}

static __printf(7, 8)
bool hk_fail(struct kunit *test, const struct hk_case *c, unsigned int len,
	     unsigned int full, unsigned int split, enum hk_layout layout,
	     const char *fmt, ...)
{
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	KUNIT_FAIL(test, "%s, %u of %u bytes, %u in the head, %s: %s", c->name,
		   len, full, split, hk_layout_name[layout], what);
	return false;
}

/*
 * One packet of @c, @len of @p's bytes with @split in the head, through the
 * parse and the hook; every expectation checked. Returns false after the
 * first failed one so that a broken vector does not flood the log.
 */
static bool hk_run(struct kunit *test, const struct hk_case *c,
		   const struct hk_pkt *p, unsigned int len, unsigned int split,
		   enum hk_layout layout)
{
	struct hk_priv *h = test->priv;
	struct vqos_flow *flow = c->rtcp_flow ? h->flow4c :
				 c->family == 4 ? h->flow4 : h->flow6;
	struct nf_hook_state state = {
		.pf = c->family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
		.hook = c->local_in ? NF_INET_LOCAL_IN : NF_INET_FORWARD,
		.net = &init_net,
	};
	u64 before[VQOS_STAT_MAX], after[VQOS_STAT_MAX];
	bool truncated = len < p->len, parsed, ok = true;
	enum hk_want want = truncated ? HK_NONE : c->want;
	struct sk_buff *skb, *other = NULL;
	int dscp = truncated ? -1 : hk_dscp_of(c);
	u8 *got = h->got, *exp = h->exp;
	struct vqos_pkt pkt;
	unsigned int i;

	skb = hk_skb(test, p, len, split, c->family);
	if (layout == HK_CLONED)
		other = skb_clone(skb, GFP_KERNEL);
	else if (layout == HK_SHARED)
		other = skb_get(skb);
	if (layout != HK_PLAIN && !other) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "skb_clone failed");
		return false;
	}

/* Evaluated only while everything held, so that one bad vector says one thing. */
#define HK_CHECK(cond, fmt, ...)						\
	(ok = ok && ((cond) || hk_fail(test, c, len, p->len, split, layout,	\
				       fmt, ##__VA_ARGS__)))

	/* The parse alone. */
	parsed = vqos_parse(skb, state.pf, &pkt);
	HK_CHECK(parsed == (want != HK_NONE), "vqos_parse() said %d", parsed);
	if (parsed) {
		HK_CHECK(pkt.thoff == p->thoff, "thoff %u, not %u", pkt.thoff, p->thoff);
		HK_CHECK(pkt.end == p->end, "end %u, not %u", pkt.end, p->end);
		HK_CHECK(ntohs(pkt.key.sport) == HK_SPORT + c->rtcp_flow, "sport %u",
			 ntohs(pkt.key.sport));
		HK_CHECK(ntohs(pkt.key.dport) ==
			 (c->dport ? c->dport : HK_DPORT + c->rtcp_flow),
			 "dport %u", ntohs(pkt.key.dport));
	}

	/* The whole hook. */
	/* The flow's state is RTP or RTCP (a union): both start empty. */
	memset(&flow->rtp, 0, sizeof(flow->rtp));
	memset(&flow->rtcp, 0, sizeof(flow->rtcp));
	vqos_stats_read(&h->vn, before);
	local_bh_disable();
	rcu_read_lock();
	HK_CHECK(vqos_packet(&h->vn, skb, &state) == NF_ACCEPT, "not accepted");
	rcu_read_unlock();
	local_bh_enable();
	vqos_stats_read(&h->vn, after);

	HK_CHECK(after[VQOS_STAT_PACKETS] - before[VQOS_STAT_PACKETS] ==
		 (want == HK_COUNTED || want == HK_MEDIA), "packets moved by %llu",
		 after[VQOS_STAT_PACKETS] - before[VQOS_STAT_PACKETS]);
	HK_CHECK(after[VQOS_STAT_MATCHED] - before[VQOS_STAT_MATCHED] ==
		 (want == HK_MEDIA), "matched moved by %llu",
		 after[VQOS_STAT_MATCHED] - before[VQOS_STAT_MATCHED]);
	HK_CHECK(after[VQOS_STAT_MARKED] - before[VQOS_STAT_MARKED] ==
		 (want == HK_MEDIA), "marked moved by %llu",
		 after[VQOS_STAT_MARKED] - before[VQOS_STAT_MARKED]);
	HK_CHECK(after[VQOS_STAT_UNWRITABLE] - before[VQOS_STAT_UNWRITABLE] ==
		 (layout == HK_SHARED && dscp >= 0), "unwritable moved by %llu",
		 after[VQOS_STAT_UNWRITABLE] - before[VQOS_STAT_UNWRITABLE]);
	HK_CHECK(after[VQOS_STAT_POLICED] == before[VQOS_STAT_POLICED], "policed");
	if (c->rtcp_flow) {
		HK_CHECK(flow->rtcp.packets == (!truncated && c->rtp),
			 "RTCP reports %u", flow->rtcp.packets);
	} else {
		HK_CHECK(flow->rtp.valid == (!truncated && c->rtp),
			 "RTP state valid %u", flow->rtp.valid);
		if (ok && flow->rtp.valid)
			HK_CHECK(flow->rtp.max_seq == HK_SEQ, "RTP seq %#x",
				 flow->rtp.max_seq);
	}

	/* The bytes: only the DS field (and the IPv4 checksum) may change. */
	HK_CHECK(skb->len == len, "length now %u", skb->len);
	HK_CHECK(!skb_copy_bits(skb, 0, got, len), "skb_copy_bits failed");
	hk_expect_bytes(p, c->family, layout == HK_SHARED ? -1 : dscp, exp);
	for (i = 0; ok && i < len; i++)
		HK_CHECK(got[i] == exp[i], "byte %u is %#x, not %#x", i, got[i], exp[i]);
	if (layout == HK_CLONED) {
		/* Nobody else's view changes. */
		HK_CHECK(!skb_copy_bits(other, 0, got, len), "skb_copy_bits failed");
		HK_CHECK(!memcmp(got, p->b, len), "the clone's bytes changed");
	}
	kfree_skb(other);
	kfree_skb(skb);
	return ok;
#undef HK_CHECK
}

/* Linear, then split at every offset; plain, cloned and shared. */
static void hk_run_all(struct kunit *test, const struct hk_case *c,
		       const struct hk_pkt *p, unsigned int len)
{
	enum hk_layout layout;
	unsigned int split;

	for (layout = HK_PLAIN; layout <= HK_SHARED; layout++)
		for (split = len + 1; split-- > 0;)
			if (!hk_run(test, c, p, len, split, layout))
				return;
}

/* ---- the vectors --------------------------------------------------------- */

#define RR_OPT	{ IPOPT_RR, 7, 4, 0, 0, 0, 0, IPOPT_END }
#define CHAIN(...)	.chain = { __VA_ARGS__, HK_END }
#define NOCHAIN		.chain = { HK_END }

static const struct hk_case hk_cases[] = {
	/* IPv4 */
	{ "v4 rtp", 4, NOCHAIN, .want = HK_MEDIA, .rtp = true },
	{ "v4 rtp ecn ce", 4, NOCHAIN, .tos = 0x03, .want = HK_MEDIA, .rtp = true },
	{ "v4 rtp dscp already ef", 4, NOCHAIN, .tos = 46 << 2, .want = HK_MEDIA, .rtp = true },
	{ "v4 version 6", 4, NOCHAIN, .version = 6 },
	{ "v4 ihl 0", 4, NOCHAIN, .ihl = 0x10 /* & 0xf */ },
	{ "v4 ihl 4", 4, NOCHAIN, .ihl = 4 },
	{ "v4 ihl 15 past the datagram", 4, NOCHAIN, .plen = 12, .ihl = 15 },
	{ "v4 ihl 8 past the datagram", 4, NOCHAIN, .plen = HK_EMPTY, .ihl = 8 },
	{ "v4 options nop", 4, NOCHAIN, .opt = { 1, 1, 1, 1 }, .optlen = 4,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 options rr", 4, NOCHAIN, .opt = RR_OPT, .optlen = 8,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 options eol then junk", 4, NOCHAIN, .opt = { 0, 0xff, 0xff, 0xff }, .optlen = 4,
	  .want = HK_MEDIA, .rtp = true },
	/* Options are skipped by the IHL, never interpreted (ip_rcv checked them). */
	{ "v4 options bogus length", 4, NOCHAIN, .opt = { IPOPT_TS, 40, 5, 0 }, .optlen = 4,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 options 40 bytes", 4, NOCHAIN, .opt = { [0 ... 39] = IPOPT_NOOP }, .optlen = 40,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 first fragment", 4, NOCHAIN, .frag = IP_MF },
	{ "v4 middle fragment", 4, NOCHAIN, .frag = IP_MF | 185 },
	{ "v4 last fragment", 4, NOCHAIN, .frag = 185 },
	{ "v4 df", 4, NOCHAIN, .frag = IP_DF, .want = HK_MEDIA, .rtp = true },
	{ "v4 tot_len inside the udp header", 4, NOCHAIN, .tot_adj = -176 },
	{ "v4 tot_len inside the ip header", 4, NOCHAIN, .tot_adj = -181 },
	{ "v4 tot_len 0", 4, NOCHAIN, .tot_adj = -200 },
	{ "v4 tot_len short of the udp length", 4, NOCHAIN, .tot_adj = -100 },
	{ "v4 tot_len past the buffer", 4, NOCHAIN, .tot_adj = 1 },
	{ "v4 trailing link padding", 4, NOCHAIN, .plen = 12, .tail = 18,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 udp length 0", 4, NOCHAIN, .ulen_adj = -180 },
	{ "v4 udp length 7", 4, NOCHAIN, .ulen_adj = -173 },
	{ "v4 udp length past the datagram", 4, NOCHAIN, .ulen_adj = 1 },
	/* RTP bytes after a UDP length of 8 are not the datagram's payload. */
	{ "v4 udp length 8, bytes after", 4, NOCHAIN, .ulen_adj = -172, .want = HK_MEDIA },
	{ "v4 udp length cuts the rtp header", 4, NOCHAIN, .ulen_adj = -161, .want = HK_MEDIA },
	{ "v4 udp length short, rtp inside", 4, NOCHAIN, .ulen_adj = -100,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 udp empty payload", 4, NOCHAIN, .plen = HK_EMPTY, .want = HK_MEDIA },
	{ "v4 udp 11 byte payload", 4, NOCHAIN, .plen = 11, .want = HK_MEDIA },
	{ "v4 rtp header only", 4, NOCHAIN, .plen = 12, .want = HK_MEDIA, .rtp = true },
	{ "v4 rtp version 0", 4, NOCHAIN, .rtp0 = 0x00 | 0x01, .plen = 16, .want = HK_MEDIA },
	{ "v4 rtp version 1", 4, NOCHAIN, .rtp0 = 0x40, .want = HK_MEDIA },
	{ "v4 rtp version 3", 4, NOCHAIN, .rtp0 = 0xc0, .want = HK_MEDIA },
	{ "v4 rtcp-mux sender report", 4, NOCHAIN, .rtp1 = 200, .want = HK_MEDIA },
	{ "v4 rtp cc 15 in 71 bytes", 4, NOCHAIN, .rtp0 = 0x8f, .plen = 71, .want = HK_MEDIA },
	{ "v4 rtp cc 15 in 72 bytes", 4, NOCHAIN, .rtp0 = 0x8f, .plen = 72,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 rtp cc 15, udp length short", 4, NOCHAIN, .rtp0 = 0x8f, .ulen_adj = -110,
	  .want = HK_MEDIA },
	{ "v4 rtp extension fits", 4, NOCHAIN, .rtp0 = 0x90, .xlen = 39, .want = HK_MEDIA,
	  .rtp = true },
	{ "v4 rtp extension one word long", 4, NOCHAIN, .rtp0 = 0x90, .xlen = 40,
	  .want = HK_MEDIA },
	{ "v4 rtp extension length 65535", 4, NOCHAIN, .rtp0 = 0x90, .xlen = 0xffff,
	  .want = HK_MEDIA },
	{ "v4 rtp extension header cut", 4, NOCHAIN, .rtp0 = 0x90, .plen = 14,
	  .want = HK_MEDIA },
	{ "v4 rtp cc 15 + extension cut", 4, NOCHAIN, .rtp0 = 0x9f, .plen = 74,
	  .want = HK_MEDIA },
	/* With SRTP the tag ends the packet: the pad count is not checked. */
	{ "v4 rtp padding count 255", 4, NOCHAIN, .rtp0 = 0xa0, .plen = 20, .pad = 255,
	  .want = HK_MEDIA, .rtp = true },
	{ "v4 rtp padding count 0", 4, NOCHAIN, .rtp0 = 0xa0, .plen = 12, .want = HK_MEDIA,
	  .rtp = true },
	/* RTCP flows: RR with one block (32 bytes, length word 7). */
	{ "v4 rtcp rr", 4, NOCHAIN, .rtcp_flow = true, .rtp0 = 0x81, .rtp1 = 201, .w1 = 7,
	  .plen = 32, .want = HK_MEDIA, .rtp = true },
	{ "v4 rtcp rr past the udp length", 4, NOCHAIN, .rtcp_flow = true, .rtp0 = 0x81,
	  .rtp1 = 201, .w1 = 7, .plen = 32, .ulen_adj = -4, .want = HK_MEDIA },
	{ "v4 rtcp rr length word 0xffff", 4, NOCHAIN, .rtcp_flow = true, .rtp0 = 0x81,
	  .rtp1 = 201, .w1 = 0xffff, .plen = 32, .want = HK_MEDIA },
	{ "v4 rtcp sr with 31 blocks in 52 bytes", 4, NOCHAIN, .rtcp_flow = true,
	  .rtp0 = 0x9f, .rtp1 = 200, .w1 = 12, .plen = 52, .want = HK_MEDIA },
	{ "v4 tcp to the media port", 4, NOCHAIN, .proto = IPPROTO_TCP, .want = HK_PARSED },
	{ "v4 icmp", 4, NOCHAIN, .proto = IPPROTO_ICMP },
	{ "v4 udp, no flow", 4, NOCHAIN, .dport = 5006, .want = HK_COUNTED },
	{ "v4 sip udp", 4, NOCHAIN, .dport = HK_SIP_PORT, .want = HK_SIP },
	{ "v4 sip udp, cs3 already", 4, NOCHAIN, .dport = HK_SIP_PORT, .tos = HK_SIP_DSCP << 2,
	  .want = HK_SIP },
	{ "v4 sip tcp", 4, NOCHAIN, .proto = IPPROTO_TCP, .dport = HK_SIP_PORT, .want = HK_SIP },
	{ "v4 sip tcp, no payload", 4, NOCHAIN, .proto = IPPROTO_TCP, .dport = HK_SIP_PORT,
	  .plen = HK_EMPTY, .want = HK_SIP },
	{ "v4 sip local in", 4, NOCHAIN, .dport = HK_SIP_PORT, .local_in = true, .want = HK_SIP },
	{ "v4 media local in", 4, NOCHAIN, .local_in = true, .want = HK_PARSED },
	{ "v4 sip first fragment", 4, NOCHAIN, .dport = HK_SIP_PORT, .frag = IP_MF },

	/* IPv6 */
	{ "v6 rtp", 6, NOCHAIN, .want = HK_MEDIA, .rtp = true },
	{ "v6 rtp ecn", 6, NOCHAIN, .tos = 0x02, .want = HK_MEDIA, .rtp = true },
	{ "v6 version 4", 6, NOCHAIN, .version = 4 },
	{ "v6 hop-by-hop", 6, CHAIN(NEXTHDR_HOP), .want = HK_MEDIA, .rtp = true },
	{ "v6 routing", 6, CHAIN(NEXTHDR_ROUTING), .want = HK_MEDIA, .rtp = true },
	{ "v6 destination options", 6, CHAIN(NEXTHDR_DEST), .want = HK_MEDIA, .rtp = true },
	{ "v6 hop, dest, routing, dest", 6,
	  CHAIN(NEXTHDR_HOP, NEXTHDR_DEST, NEXTHDR_ROUTING, NEXTHDR_DEST),
	  .want = HK_MEDIA, .rtp = true },
	{ "v6 ah", 6, CHAIN(NEXTHDR_AUTH), .want = HK_MEDIA, .rtp = true },
	{ "v6 esp", 6, CHAIN(NEXTHDR_ESP) },
	{ "v6 hop then esp", 6, CHAIN(NEXTHDR_HOP, NEXTHDR_ESP) },
	{ "v6 no next header", 6, CHAIN(NEXTHDR_DEST, NEXTHDR_NONE) },
	{ "v6 mobility header", 6, CHAIN(135) },
	{ "v6 first fragment", 6, CHAIN(NEXTHDR_FRAGMENT), .frag6 = IP6_MF },
	{ "v6 middle fragment", 6, CHAIN(NEXTHDR_FRAGMENT), .frag6 = 0x100 | IP6_MF },
	{ "v6 last fragment", 6, CHAIN(NEXTHDR_FRAGMENT), .frag6 = 0x100 },
	{ "v6 atomic fragment", 6, CHAIN(NEXTHDR_FRAGMENT), .want = HK_MEDIA, .rtp = true },
	{ "v6 dest then first fragment", 6, CHAIN(NEXTHDR_DEST, NEXTHDR_FRAGMENT),
	  .frag6 = IP6_MF },
	{ "v6 hop length past the end", 6, CHAIN(NEXTHDR_HOP), .bad_ext_len = true },
	{ "v6 routing length past the end", 6, CHAIN(NEXTHDR_HOP, NEXTHDR_ROUTING),
	  .bad_ext_len = true },
	{ "v6 ah length past the end", 6, CHAIN(NEXTHDR_AUTH), .bad_ext_len = true },
	{ "v6 chain past payload_len", 6, CHAIN(NEXTHDR_HOP, NEXTHDR_DEST), .plen = HK_EMPTY,
	  .tot_adj = -12 },
	{ "v6 16 extension headers", 6,
	  CHAIN(NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST),
	  .want = HK_MEDIA, .rtp = true },
	{ "v6 17 extension headers", 6,
	  CHAIN(NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST, NEXTHDR_DEST,
		NEXTHDR_DEST) },
	{ "v6 payload_len inside the udp header", 6, NOCHAIN, .tot_adj = -176 },
	{ "v6 payload_len 0", 6, NOCHAIN, .tot_adj = -180 },
	{ "v6 payload_len past the buffer", 6, NOCHAIN, .tot_adj = 1 },
	{ "v6 trailing bytes", 6, NOCHAIN, .plen = 12, .tail = 6, .want = HK_MEDIA,
	  .rtp = true },
	{ "v6 udp length 0", 6, NOCHAIN, .ulen_adj = -180 },
	{ "v6 udp length past the datagram", 6, NOCHAIN, .ulen_adj = 1 },
	{ "v6 udp length 8, bytes after", 6, NOCHAIN, .ulen_adj = -172, .want = HK_MEDIA },
	{ "v6 rtp version 1", 6, NOCHAIN, .rtp0 = 0x40, .want = HK_MEDIA },
	{ "v6 rtp cc 15 in 71 bytes", 6, NOCHAIN, .rtp0 = 0x8f, .plen = 71, .want = HK_MEDIA },
	{ "v6 rtp extension past the end", 6, NOCHAIN, .rtp0 = 0x90, .xlen = 0x4000,
	  .want = HK_MEDIA },
	{ "v6 udp, no flow", 6, NOCHAIN, .dport = 5006, .want = HK_COUNTED },
	{ "v6 sip tcp", 6, CHAIN(NEXTHDR_DEST), .proto = IPPROTO_TCP, .dport = HK_SIP_PORT,
	  .want = HK_SIP },
	{ "v6 sip udp after a fragment header", 6, CHAIN(NEXTHDR_FRAGMENT), .dport = HK_SIP_PORT,
	  .frag6 = IP6_MF },
};

static void hk_case_desc(const struct hk_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hk, hk_cases, hk_case_desc);

/* Each vector whole, in every layout. */
static void vqos_hooks_test_packet(struct kunit *test)
{
	const struct hk_case *c = test->param_value;
	struct hk_pkt *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hk_build(c, p);
	KUNIT_ASSERT_LE(test, p->len, (unsigned int)HK_MAX);
	hk_run_all(test, c, p, p->len);
}

/*
 * The same vectors cut short at every length (the IP length then claims
 * more than there is): never parsed, nothing moves, whatever the layout.
 * The bytes that were cut off are still in the buffers.
 */
static void vqos_hooks_test_truncated(struct kunit *test)
{
	const struct hk_case *c = test->param_value;
	struct hk_pkt *p;
	unsigned int len, split;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hk_build(c, p);
	/*
	 * Cutting into the link padding leaves a whole datagram. Every cut
	 * through the headers (IP, extensions, UDP, RTP with 15 CSRCs and an
	 * extension header), every 16th in the payload; every split up to the
	 * RTP header, then the linear skb only.
	 */
	for (len = 0; len < p->len - c->tail; len++) {
		if (len > p->thoff + 8 + 76 && len % 16)
			continue;
		for (split = len + 1; split-- > 0;) {
			if (split < len && split > p->thoff + 8 + 12)
				continue;
			if (!hk_run(test, c, p, len, split, HK_PLAIN))
				return;
		}
	}
}

/*
 * A datagram that ends inside its UDP header, the IP length telling the
 * truth about it: 0..7 bytes of UDP header, every layout. Never parsed.
 */
static void vqos_hooks_test_udp_header_cut(struct kunit *test)
{
	static const u8 families[] = { 4, 6 };
	struct hk_case c = { "", 0, NOCHAIN, .plen = HK_EMPTY };
	char name[32];
	struct hk_pkt *p;
	unsigned int f, k;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (k = 0; k < sizeof(struct udphdr); k++) {
			snprintf(name, sizeof(name), "v%u udp header of %u bytes",
				 families[f], k);
			c.name = name;
			c.family = families[f];
			c.tot_adj = (int)k - (int)sizeof(struct udphdr);
			hk_build(&c, p);
			hk_run_all(test, &c, p, p->thoff + k);
		}
	}
}

/*
 * What a SIP copy would carry: the payload within the transport data the
 * parse found, never link padding or bytes past a short UDP length.
 */
struct hk_sip_case {
	const char *name;
	struct hk_case pkt;
	bool copy;
	unsigned int plen;
};

static const struct hk_sip_case hk_sip_cases[] = {
	{ "udp", { "", 4, NOCHAIN, .dport = HK_SIP_PORT, .plen = 100 }, true, 100 },
	{ "udp with link padding", { "", 4, NOCHAIN, .dport = HK_SIP_PORT, .plen = 30, .tail = 16 },
	  true, 30 },
	{ "udp length short", { "", 6, NOCHAIN, .dport = HK_SIP_PORT, .plen = 100,
	  .ulen_adj = -40 }, true, 60 },
	{ "udp empty", { "", 4, NOCHAIN, .dport = HK_SIP_PORT, .plen = HK_EMPTY }, true, 0 },
	{ "tcp", { "", 4, NOCHAIN, .proto = IPPROTO_TCP, .dport = HK_SIP_PORT, .plen = 100 },
	  true, 100 },
	{ "tcp bare ack", { "", 6, NOCHAIN, .proto = IPPROTO_TCP, .dport = HK_SIP_PORT,
	  .plen = HK_EMPTY }, false, 0 },
	{ "tcp header cut by tot_len", { "", 4, NOCHAIN, .proto = IPPROTO_TCP, .dport = HK_SIP_PORT,
	  .plen = 100, .tot_adj = -110, .tail = 110 }, false, 0 },
};

static void hk_sip_desc(const struct hk_sip_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hk_sip, hk_sip_cases, hk_sip_desc);

static void vqos_hooks_test_sip_payload(struct kunit *test)
{
	const struct hk_sip_case *c = test->param_value;
	struct vqos_sip_meta m;
	struct vqos_pkt pkt;
	struct sk_buff *skb;
	struct hk_pkt *p;
	unsigned int split;
	bool copy;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hk_build(&c->pkt, p);
	for (split = p->len + 1; split-- > 0;) {
		skb = hk_skb(test, p, p->len, split, c->pkt.family);
		memset(&m, 0, sizeof(m));
		copy = vqos_parse(skb, c->pkt.family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
				  &pkt) && vqos_sip_payload(skb, &pkt, &m);
		kfree_skb(skb);
		KUNIT_EXPECT_EQ_MSG(test, copy, c->copy, "split %u", split);
		if (copy != c->copy)
			return;
		if (!copy)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, m.plen, c->plen, "split %u", split);
		KUNIT_EXPECT_EQ_MSG(test, m.poff + m.plen, p->end, "split %u", split);
		if (m.plen != c->plen)
			return;
	}
}

static struct kunit_case vqos_hooks_test_cases[] = {
	KUNIT_CASE_PARAM(vqos_hooks_test_packet, hk_gen_params),
	KUNIT_CASE_PARAM(vqos_hooks_test_truncated, hk_gen_params),
	KUNIT_CASE(vqos_hooks_test_udp_header_cut),
	KUNIT_CASE_PARAM(vqos_hooks_test_sip_payload, hk_sip_gen_params),
	{}
};

static struct kunit_suite vqos_hooks_test_suite = {
	.name = "vqos_hooks",
	.init = vqos_hooks_test_init,
	.exit = vqos_hooks_test_exit,
	.test_cases = vqos_hooks_test_cases,
};

kunit_test_suite(vqos_hooks_test_suite);
