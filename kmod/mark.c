// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#include "mark.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <linux/socket.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>

/**
 * vqos_mark_dscp - write a DSCP into the IP header of @skb
 * @skb: packet whose network header is set
 * @family: AF_INET or AF_INET6
 * @dscp: 0..63
 *
 * The ECN bits are kept, and the IPv4 header checksum is updated
 * incrementally. A header shared with a clone (a tap, a tee) is copied first,
 * as sch_cake does, so nobody else's view of the packet changes; one that
 * is not in the linear area is pulled there. A shared skb (another owner of
 * the same sk_buff) is never written. Returns 0, or -ENOMEM or -EBUSY when
 * the header could not be made writable (the packet then keeps its DSCP).
 */
int vqos_mark_dscp(struct sk_buff *skb, u8 family, u8 dscp)
{
	int nhoff = skb_network_offset(skb);
	unsigned int hlen;
	u8 dsfield = dscp << 2, _ds[2];
	struct ipv6hdr *ip6h;
	__be32 *first, old, new;
	const u8 *ds;

	/* The DS field: the second byte of IPv4, across the first two of IPv6. */
	ds = skb_header_pointer(skb, nhoff, sizeof(_ds), _ds);
	if (!ds)
		return -EINVAL;
	if (family == AF_INET) {
		hlen = sizeof(struct iphdr);
		if (ds[1] >> 2 == dscp)
			return 0;
	} else {
		hlen = sizeof(struct ipv6hdr);
		if ((u8)(ds[0] << 4 | ds[1] >> 4) >> 2 == dscp)
			return 0;
	}
	if (skb_shared(skb))
		return -EBUSY;
	/* With skb->data past the network header, the header is in the head. */
	if (skb_ensure_writable(skb, max(nhoff + (int)hlen, 0)))
		return -ENOMEM;

	if (family == AF_INET) {
		ipv4_change_dsfield(ip_hdr(skb), INET_ECN_MASK, dsfield);
		return 0;
	}

	ip6h = ipv6_hdr(skb);
	first = (__be32 *)ip6h;
	old = *first;
	ipv6_change_dsfield(ip6h, INET_ECN_MASK, dsfield);
	/*
	 * Unlike IPv4, the IPv6 header has no checksum absorbing the change,
	 * so a receive checksum that still covers it (forwarded packets) has
	 * to follow, or the UDP checksum fails wherever it is checked next.
	 */
	new = *first;
	if (skb->ip_summed == CHECKSUM_COMPLETE && nhoff >= 0)
		skb->csum = csum_add(csum_sub(skb->csum, (__force __wsum)old),
				     (__force __wsum)new);
	return 0;
}
