// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * KUnit suite vqos_mark: DSCP rewriting of mark.c on crafted IPv4 and IPv6
 * UDP packets, with every checksum the stack may check afterwards (the
 * IPv4 header checksum, the UDP checksum, a CHECKSUM_COMPLETE skb->csum)
 * recomputed from scratch, and on cloned packets.
 */

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "mark.h"

#define MARK_PAYLOAD 172	/* a G.711 20 ms RTP packet */
#define MARK_FLOWLABEL 0xabcde

enum mark_layout {
	MARK_L3,	/* skb->data at the network header, as in the hooks */
	MARK_L2,	/* an Ethernet header in front, covered by the csum */
	MARK_PULLED,	/* skb->data past the network header */
};

static unsigned int mark_nhlen(u8 family)
{
	return family == AF_INET ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
}

/* An IPv4/IPv6 UDP packet with a valid IP and UDP checksum. */
static struct sk_buff *mark_build(struct kunit *test, u8 family, u8 dsfield,
				  enum mark_layout layout, u8 summed)
{
	const unsigned int ulen = sizeof(struct udphdr) + MARK_PAYLOAD;
	unsigned int nhlen = mark_nhlen(family), i;
	struct udphdr *uh;
	struct sk_buff *skb;
	u8 *payload;
	__wsum csum;

	skb = alloc_skb(64 + ETH_HLEN + nhlen + ulen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_put_zero(skb, ETH_HLEN);	/* pulled again below unless MARK_L2 */
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);

	if (family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, nhlen);

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = dsfield;
		iph->tot_len = htons(nhlen + ulen);
		iph->id = htons(0x4242);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = htonl(0xc0a80102);
		iph->daddr = htonl(0xcb007105);
		iph->check = ip_fast_csum(iph, iph->ihl);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, nhlen);

		ip6_flow_hdr(ip6h, dsfield, htonl(MARK_FLOWLABEL));
		ip6h->payload_len = htons(ulen);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = 64;
		ip6h->saddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->saddr.s6_addr32[3] = htonl(1);
		ip6h->daddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->daddr.s6_addr32[3] = htonl(2);
		skb->protocol = htons(ETH_P_IPV6);
	}

	skb_set_transport_header(skb, ETH_HLEN + nhlen);
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(40000);
	uh->dest = htons(5004);
	uh->len = htons(ulen);
	payload = skb_put(skb, MARK_PAYLOAD);
	for (i = 0; i < MARK_PAYLOAD; i++)
		payload[i] = i * 7 + 3;
	csum = csum_partial(uh, ulen, 0);
	if (family == AF_INET)
		uh->check = csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					      ulen, IPPROTO_UDP, csum);
	else
		uh->check = csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
					    ulen, IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	if (layout != MARK_L2)
		skb_pull(skb, ETH_HLEN);
	if (layout == MARK_PULLED)
		skb_pull(skb, nhlen);

	skb->ip_summed = summed;
	if (summed == CHECKSUM_COMPLETE) {
		skb->csum = csum_partial(skb->data, skb->len, 0);
	} else if (summed == CHECKSUM_PARTIAL) {
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
	}
	return skb;
}

static u8 mark_dsfield(const struct sk_buff *skb, u8 family)
{
	return family == AF_INET ? ipv4_get_dsfield(ip_hdr(skb)) :
				   ipv6_get_dsfield(ipv6_hdr(skb));
}

/* The UDP checksum over the pseudo header verifies: 0. */
static __sum16 mark_udp_check(const struct sk_buff *skb, u8 family)
{
	const struct udphdr *uh = udp_hdr(skb);
	unsigned int ulen = ntohs(uh->len);
	__wsum csum = csum_partial(uh, ulen, 0);

	if (family == AF_INET)
		return csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					 ulen, IPPROTO_UDP, csum);
	return csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			       ulen, IPPROTO_UDP, csum);
}

/*
 * Everything that must hold after vqos_mark_dscp(@skb, @family, @dscp) of a
 * packet built with @dsfield; @orig is a copy of its bytes from the network
 * header on, taken before. Returns false (after reporting) on a mismatch.
 */
static bool mark_check(struct kunit *test, struct sk_buff *skb, u8 family,
		       u8 dsfield, u8 dscp, const u8 *orig)
{
	const u8 *nh = skb_network_header(skb);
	unsigned int len, i;
	u8 want = (dscp << 2) | (dsfield & INET_ECN_MASK);
	bool ok = true;

	len = skb_tail_pointer(skb) - nh;
	if (mark_dsfield(skb, family) != want) {
		KUNIT_FAIL(test, "ds field 0x%02x -> 0x%02x with DSCP %u, expected 0x%02x",
			   dsfield, mark_dsfield(skb, family), dscp, want);
		ok = false;
	}
	/* Nothing else changed, but the IPv4 header checksum. */
	for (i = 0; i < len; i++) {
		if (family == AF_INET && (i == 1 || i == 10 || i == 11))
			continue;
		if (family == AF_INET6 && i < 2)
			continue;
		if (nh[i] != orig[i]) {
			KUNIT_FAIL(test, "byte %u changed 0x%02x -> 0x%02x", i, orig[i], nh[i]);
			ok = false;
			break;
		}
	}
	if (family == AF_INET6 &&
	    (ipv6_hdr(skb)->version != 6 ||
	     (ntohl(ip6_flowlabel(ipv6_hdr(skb))) != MARK_FLOWLABEL))) {
		KUNIT_FAIL(test, "IPv6 version or flow label changed");
		ok = false;
	}
	if (family == AF_INET && ip_fast_csum(nh, ip_hdr(skb)->ihl)) {
		KUNIT_FAIL(test, "IPv4 header checksum broken: tos 0x%02x -> DSCP %u",
			   dsfield, dscp);
		ok = false;
	}
	if (mark_udp_check(skb, family)) {
		KUNIT_FAIL(test, "UDP checksum broken");
		ok = false;
	}
	if (skb->ip_summed == CHECKSUM_COMPLETE) {
		__sum16 fresh = csum_fold(csum_partial(skb->data, skb->len, 0));

		if (csum_fold(skb->csum) != fresh) {
			KUNIT_FAIL(test,
				   "CHECKSUM_COMPLETE csum 0x%04x, packet 0x%04x (ds 0x%02x -> DSCP %u)",
				   (__force u16)csum_fold(skb->csum), (__force u16)fresh,
				   dsfield, dscp);
			ok = false;
		}
	}
	return ok;
}

struct mark_case {
	const char *name;
	u8 family;
	u8 dsfield;	/* DSCP << 2 | ECN before */
	u8 dscp;	/* written */
	enum mark_layout layout;
	u8 summed;
};

static const struct mark_case mark_cases[] = {
	{ "v4_ef_not_ect", AF_INET, 0x00, 46, MARK_L3, CHECKSUM_NONE },
	{ "v4_ef_ect0", AF_INET, 0x02, 46, MARK_L3, CHECKSUM_NONE },
	{ "v4_ef_ce", AF_INET, 0x03, 46, MARK_L3, CHECKSUM_NONE },
	{ "v4_af41_ect1", AF_INET, 0x01, 34, MARK_L3, CHECKSUM_NONE },
	{ "v4_clear", AF_INET, 0xb9, 0, MARK_L3, CHECKSUM_NONE },
	{ "v4_max", AF_INET, 0x00, 63, MARK_L3, CHECKSUM_NONE },
	{ "v4_cs1_from_ef", AF_INET, 0xbb, 8, MARK_L3, CHECKSUM_NONE },
	{ "v4_complete", AF_INET, 0x02, 46, MARK_L3, CHECKSUM_COMPLETE },
	{ "v4_complete_l2", AF_INET, 0x01, 26, MARK_L2, CHECKSUM_COMPLETE },
	{ "v4_complete_pulled", AF_INET, 0x00, 46, MARK_PULLED, CHECKSUM_COMPLETE },
	{ "v4_partial", AF_INET, 0x00, 46, MARK_L3, CHECKSUM_PARTIAL },
	{ "v6_ef_not_ect", AF_INET6, 0x00, 46, MARK_L3, CHECKSUM_NONE },
	{ "v6_ef_ce", AF_INET6, 0x03, 46, MARK_L3, CHECKSUM_NONE },
	{ "v6_af41_ect1", AF_INET6, 0x01, 34, MARK_L3, CHECKSUM_NONE },
	{ "v6_clear", AF_INET6, 0xba, 0, MARK_L3, CHECKSUM_NONE },
	{ "v6_max", AF_INET6, 0x02, 63, MARK_L3, CHECKSUM_NONE },
	{ "v6_complete", AF_INET6, 0x01, 46, MARK_L3, CHECKSUM_COMPLETE },
	{ "v6_complete_clear", AF_INET6, 0xbb, 0, MARK_L3, CHECKSUM_COMPLETE },
	{ "v6_complete_l2", AF_INET6, 0x02, 34, MARK_L2, CHECKSUM_COMPLETE },
	{ "v6_complete_pulled", AF_INET6, 0x00, 46, MARK_PULLED, CHECKSUM_COMPLETE },
	{ "v6_partial", AF_INET6, 0x00, 46, MARK_L3, CHECKSUM_PARTIAL },
};

static void mark_desc(const struct mark_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mark, mark_cases, mark_desc);

static void vqos_mark_test_dscp(struct kunit *test)
{
	const struct mark_case *c = test->param_value;
	struct sk_buff *skb;
	u16 csum_start = 0, csum_offset = 0;
	unsigned int len;
	u8 *orig;

	skb = mark_build(test, c->family, c->dsfield, c->layout, c->summed);
	len = skb_tail_pointer(skb) - skb_network_header(skb);
	orig = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	memcpy(orig, skb_network_header(skb), len);
	if (c->summed == CHECKSUM_PARTIAL) {
		csum_start = skb->csum_start;
		csum_offset = skb->csum_offset;
	}

	KUNIT_EXPECT_EQ(test, vqos_mark_dscp(skb, c->family, c->dscp), 0);
	mark_check(test, skb, c->family, c->dsfield, c->dscp, orig);
	KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, c->summed);
	if (c->summed == CHECKSUM_PARTIAL) {
		/* skb->csum shares its storage with these: left alone. */
		KUNIT_EXPECT_EQ(test, skb->csum_start, csum_start);
		KUNIT_EXPECT_EQ(test, skb->csum_offset, csum_offset);
	}
	kfree_skb(skb);
}

/* Every DS field to every DSCP, with a receive checksum to keep right. */
static void mark_exhaustive(struct kunit *test, u8 family)
{
	u8 orig[sizeof(struct ipv6hdr) + sizeof(struct udphdr) + MARK_PAYLOAD];
	struct sk_buff *skb;
	unsigned int ds, dscp, len, bad = 0;

	for (ds = 0; ds < 256; ds++) {
		for (dscp = 0; dscp < 64; dscp++) {
			skb = mark_build(test, family, ds, MARK_L3, CHECKSUM_COMPLETE);
			len = skb_tail_pointer(skb) - skb_network_header(skb);
			memcpy(orig, skb_network_header(skb), len);
			if (vqos_mark_dscp(skb, family, dscp) ||
			    !mark_check(test, skb, family, ds, dscp, orig))
				bad++;
			kfree_skb(skb);
			if (bad >= 5) {
				KUNIT_FAIL(test, "giving up after %u bad packets", bad);
				return;
			}
		}
	}
}

static void vqos_mark_test_exhaustive_v4(struct kunit *test)
{
	mark_exhaustive(test, AF_INET);
}

static void vqos_mark_test_exhaustive_v6(struct kunit *test)
{
	mark_exhaustive(test, AF_INET6);
}

/*
 * A clone (a tap, tc mirred, a tee) shares the packet's data: marking one
 * must copy the header first, and leave the other's view as it was.
 */
static void mark_clone(struct kunit *test, u8 family, bool mark_the_clone)
{
	struct sk_buff *skb, *clone, *marked, *other;
	unsigned int len;
	u8 *orig;

	skb = mark_build(test, family, 0x01, MARK_L3, CHECKSUM_COMPLETE);
	len = skb_tail_pointer(skb) - skb_network_header(skb);
	orig = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	memcpy(orig, skb_network_header(skb), len);
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "skb_clone failed");
		return;
	}
	marked = mark_the_clone ? clone : skb;
	other = mark_the_clone ? skb : clone;

	KUNIT_EXPECT_EQ(test, vqos_mark_dscp(marked, family, 46), 0);
	mark_check(test, marked, family, 0x01, 46, orig);
	KUNIT_EXPECT_PTR_NE(test, marked->head, other->head);
	/* The other one is untouched, byte for byte, checksums included. */
	KUNIT_EXPECT_EQ(test, memcmp(skb_network_header(other), orig, len), 0);
	KUNIT_EXPECT_EQ(test, mark_dsfield(other, family), 0x01);
	KUNIT_EXPECT_EQ(test, csum_fold(other->csum),
			csum_fold(csum_partial(other->data, other->len, 0)));
	kfree_skb(clone);
	kfree_skb(skb);
}

static void vqos_mark_test_clone_v4(struct kunit *test)
{
	mark_clone(test, AF_INET, false);
	mark_clone(test, AF_INET, true);
}

static void vqos_mark_test_clone_v6(struct kunit *test)
{
	mark_clone(test, AF_INET6, false);
	mark_clone(test, AF_INET6, true);
}

/* The DSCP is already right: no write, so not even a copy of a clone. */
static void mark_same(struct kunit *test, u8 family)
{
	struct sk_buff *skb, *clone;
	unsigned int len, ecn;
	u8 *orig;

	for (ecn = 0; ecn < 4; ecn++) {
		skb = mark_build(test, family, (46 << 2) | ecn, MARK_L3, CHECKSUM_COMPLETE);
		len = skb_tail_pointer(skb) - skb_network_header(skb);
		orig = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, orig);
		memcpy(orig, skb_network_header(skb), len);
		clone = skb_clone(skb, GFP_KERNEL);
		if (!clone) {
			kfree_skb(skb);
			KUNIT_FAIL(test, "skb_clone failed");
			return;
		}
		KUNIT_EXPECT_EQ(test, vqos_mark_dscp(skb, family, 46), 0);
		KUNIT_EXPECT_PTR_EQ(test, skb->head, clone->head);
		KUNIT_EXPECT_TRUE(test, skb_cloned(skb));
		KUNIT_EXPECT_EQ(test, memcmp(skb_network_header(skb), orig, len), 0);
		kfree_skb(clone);
		kfree_skb(skb);
	}
}

static void vqos_mark_test_same_v4(struct kunit *test)
{
	mark_same(test, AF_INET);
}

static void vqos_mark_test_same_v6(struct kunit *test)
{
	mark_same(test, AF_INET6);
}

static struct kunit_case vqos_mark_test_cases[] = {
	KUNIT_CASE_PARAM(vqos_mark_test_dscp, mark_gen_params),
	KUNIT_CASE(vqos_mark_test_exhaustive_v4),
	KUNIT_CASE(vqos_mark_test_exhaustive_v6),
	KUNIT_CASE(vqos_mark_test_clone_v4),
	KUNIT_CASE(vqos_mark_test_clone_v6),
	KUNIT_CASE(vqos_mark_test_same_v4),
	KUNIT_CASE(vqos_mark_test_same_v6),
	{}
};

static struct kunit_suite vqos_mark_test_suite = {
	.name = "vqos_mark",
	.test_cases = vqos_mark_test_cases,
};

kunit_test_suite(vqos_mark_test_suite);
