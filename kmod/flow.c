// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * The flow table: an rhashtable per namespace, read under RCU by the hooks
 * and changed only under the namespace mutex by netlink and the idle GC.
 */

#include "flow.h"
#include "netlink.h"
#include "netns.h"

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#define VQOS_GC_INTERVAL HZ

static struct kmem_cache *vqos_flow_cache __read_mostly;

static const struct rhashtable_params vqos_flow_rht_params = {
	.head_offset = offsetof(struct vqos_flow, node),
	.key_offset = offsetof(struct vqos_flow, key),
	.key_len = sizeof(struct vqos_flow_key),
	.automatic_shrinking = true,
};

static bool vqos_addr_equal(u8 family, const union vqos_addr *a,
			    const union vqos_addr *b)
{
	if (family == AF_INET)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->ip6, &b->ip6);
}

static bool vqos_addr_any(const union vqos_addr *a)
{
	return ipv6_addr_any(&a->ip6);
}

bool vqos_flow_key_is_wild(const struct vqos_flow_key *key)
{
	return !key->sport || vqos_addr_any(&key->src);
}

/**
 * vqos_flow_idle - has a flow been idle for its timeout?
 * @last_seen: jiffies of the last packet (or of creation)
 * @now: jiffies now
 * @timeout: idle timeout in jiffies
 */
bool vqos_flow_idle(unsigned long last_seen, unsigned long now,
		    unsigned long timeout)
{
	return time_after_eq(now, last_seen + timeout);
}

/*
 * A wildcard flow takes the source of the first packet that fits the parts
 * of the source userspace did give. Losing the race to latch just means this
 * packet is not the stream's: the winner's is.
 */
static bool vqos_flow_latch(struct vqos_flow *flow, const union vqos_addr *src,
			    __be16 sport, bool *latched)
{
	u8 family = flow->key.family;

	if (test_bit(VQOS_FLOW_LATCHED, &flow->state)) {
		/* Pairs with smp_mb__before_atomic() below. */
		smp_rmb();
		return READ_ONCE(flow->sport) == sport &&
		       vqos_addr_equal(family, &flow->src, src);
	}
	if (test_bit(VQOS_FLOW_SRC_ADDR, &flow->state) &&
	    !vqos_addr_equal(family, &flow->src, src))
		return false;
	if (test_bit(VQOS_FLOW_SRC_PORT, &flow->state) &&
	    READ_ONCE(flow->sport) != sport)
		return false;
	if (test_and_set_bit(VQOS_FLOW_LATCHING, &flow->state))
		return false;
	flow->src = *src;
	WRITE_ONCE(flow->sport, sport);
	/* The source must be visible before the bit that makes readers use it. */
	smp_mb__before_atomic();
	set_bit(VQOS_FLOW_LATCHED, &flow->state);
	*latched = true;
	return true;
}

/**
 * vqos_flow_lookup - find the flow a packet belongs to
 * @vn: namespace state
 * @key: the packet's key; its source is cleared if a wildcard is tried
 * @latched: set if this packet latched a wildcard flow
 *
 * Must be called under rcu_read_lock(). Takes no lock: the destination port
 * filter, the exact key, then, only if the namespace has wildcard flows, the
 * destination alone.
 */
struct vqos_flow *vqos_flow_lookup(struct vqos_net *vn,
				   struct vqos_flow_key *key, bool *latched)
{
	const u8 *refs = rcu_dereference(vn->dport_refs);
	struct vqos_flow *flow;
	union vqos_addr src;
	__be16 sport;

	if (!refs || !READ_ONCE(refs[ntohs(key->dport)]))
		return NULL;
	flow = rhashtable_lookup(&vn->flows, key, vqos_flow_rht_params);
	if (flow || !READ_ONCE(vn->n_wild))
		return flow;

	src = key->src;
	sport = key->sport;
	memset(&key->src, 0, sizeof(key->src));
	key->sport = 0;
	flow = rhashtable_lookup(&vn->flows, key, vqos_flow_rht_params);
	if (flow && !vqos_flow_latch(flow, &src, sport, latched))
		return NULL;
	return flow;
}

/*
 * Each field is written once so that a packet racing a replace sees either
 * the old or the new value of every field, never a torn one.
 */
static void vqos_flow_set_params(struct vqos_flow *flow,
				 const struct vqos_flow_params *p)
{
	bool kind_changed = (flow->p.flags ^ p->flags) & VOICEQOS_FLOW_F_RTCP;

	vqos_police_set(&flow->police, p->rate, (u64)p->burst * BITS_PER_BYTE,
			ktime_get_ns());
	WRITE_ONCE(flow->p.cookie, p->cookie);
	WRITE_ONCE(flow->p.rate, p->rate);
	WRITE_ONCE(flow->p.burst, p->burst);
	WRITE_ONCE(flow->p.priority, p->priority);
	WRITE_ONCE(flow->p.mark, p->mark);
	WRITE_ONCE(flow->p.mark_mask, p->mark_mask);
	WRITE_ONCE(flow->p.clock_rate, p->clock_rate);
	WRITE_ONCE(flow->p.timeout, p->timeout);
	WRITE_ONCE(flow->p.dscp, p->dscp);
	WRITE_ONCE(flow->p.media, p->media);
	WRITE_ONCE(flow->p.flags, p->flags);
	if (kind_changed) {
		/* Held by a packet for a few instructions at most. */
		while (test_and_set_bit_lock(VQOS_FLOW_RTP_BUSY, &flow->state))
			cpu_relax();
		memset(&flow->rtp, 0, sizeof(flow->rtp));
		memset(&flow->rtcp, 0, sizeof(flow->rtcp));
		clear_bit_unlock(VQOS_FLOW_RTP_BUSY, &flow->state);
	}
}

static void vqos_flow_set_source(struct vqos_flow *flow,
				 const union vqos_addr *src, __be16 sport)
{
	flow->src = *src;
	flow->sport = sport;
	if (!vqos_addr_any(src))
		__set_bit(VQOS_FLOW_SRC_ADDR, &flow->state);
	if (sport)
		__set_bit(VQOS_FLOW_SRC_PORT, &flow->state);
}

static bool vqos_flow_same_source(const struct vqos_flow *flow,
				  const union vqos_addr *src, __be16 sport)
{
	bool has_addr = test_bit(VQOS_FLOW_SRC_ADDR, &flow->state);
	bool has_port = test_bit(VQOS_FLOW_SRC_PORT, &flow->state);

	if (has_addr != !vqos_addr_any(src) || has_port != !!sport)
		return false;
	if (has_addr && !vqos_addr_equal(flow->key.family, &flow->src, src))
		return false;
	return !has_port || flow->sport == sport;
}

static void vqos_flow_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vqos_flow_cache, container_of(rcu, struct vqos_flow, rcu));
}

/*
 * Destination ports in use, one saturating byte per port: a packet whose
 * destination port no flow has is not looked up at all. That is most of a
 * router's UDP (DNS, QUIC, VPNs), and it keeps the hash table out of the
 * cache for them. A count that reached 255 stays there: a port that popular
 * only costs the lookup it would have cost anyway.
 */
#define VQOS_PORT_STICKY U8_MAX

static int vqos_flow_port_get(struct vqos_net *vn, __be16 port)
{
	u8 *refs = rcu_dereference_protected(vn->dport_refs, lockdep_is_held(&vn->lock));
	u16 p = ntohs(port);

	if (!refs) {
		refs = kvzalloc(U16_MAX + 1, GFP_KERNEL_ACCOUNT);
		if (!refs)
			return -ENOMEM;
		rcu_assign_pointer(vn->dport_refs, refs);
	}
	if (refs[p] != VQOS_PORT_STICKY)
		WRITE_ONCE(refs[p], refs[p] + 1);
	return 0;
}

static void vqos_flow_port_put(struct vqos_net *vn, __be16 port)
{
	u8 *refs = rcu_dereference_protected(vn->dport_refs, lockdep_is_held(&vn->lock));
	u16 p = ntohs(port);

	if (refs[p] != VQOS_PORT_STICKY)
		WRITE_ONCE(refs[p], refs[p] - 1);
}

/* What is left to do once a flow is out of the hash table. */
static void vqos_flow_forget(struct vqos_net *vn, struct vqos_flow *flow)
{
	lockdep_assert_held(&vn->lock);
	list_del(&flow->list);
	vqos_flow_port_put(vn, flow->key.dport);
	WRITE_ONCE(vn->n_flows, vn->n_flows - 1);
	if (vqos_flow_key_is_wild(&flow->key))
		WRITE_ONCE(vn->n_wild, vn->n_wild - 1);
	vn->gen++;
	call_rcu(&flow->rcu, vqos_flow_free_rcu);
}

static void vqos_flow_unlink(struct vqos_net *vn, struct vqos_flow *flow)
{
	rhashtable_remove_fast(&vn->flows, &flow->node, vqos_flow_rht_params);
	vqos_flow_forget(vn, flow);
}

static struct vqos_flow *vqos_flow_alloc(const struct vqos_flow_key *key,
					 const struct vqos_flow_params *p)
{
	struct vqos_flow *flow;

	flow = kmem_cache_zalloc(vqos_flow_cache, GFP_KERNEL_ACCOUNT);
	if (!flow)
		return NULL;
	flow->key = *key;
	flow->created = (u32)ktime_get_seconds();
	flow->last_seen = jiffies;
	vqos_flow_set_params(flow, p);
	return flow;
}

/*
 * A wildcard flow whose source specification changes gets a fresh object:
 * rewriting the latch in place would race packets that are latching it.
 * The counters move over; packets counted on the old object by readers that
 * still hold it are lost, which is a few packets at most.
 */
static int vqos_flow_respawn(struct vqos_net *vn, struct vqos_flow *old,
			     const struct vqos_flow_params *p,
			     const union vqos_addr *src, __be16 sport,
			     struct netlink_ext_ack *extack)
{
	struct vqos_flow *flow;
	int err;

	flow = vqos_flow_alloc(&old->key, p);
	if (!flow) {
		NL_SET_ERR_MSG(extack, "voiceqos: out of memory for the flow");
		return -ENOMEM;
	}
	vqos_flow_set_source(flow, src, sport);
	flow->created = old->created;
	flow->last_seen = READ_ONCE(old->last_seen);
	atomic64_set(&flow->packets, atomic64_read(&old->packets));
	atomic64_set(&flow->bytes, atomic64_read(&old->bytes));
	atomic64_set(&flow->policed_packets, atomic64_read(&old->policed_packets));
	atomic64_set(&flow->policed_bytes, atomic64_read(&old->policed_bytes));
	/* A new kind of stream starts from scratch (the allocation zeroed it). */
	if (!((old->p.flags ^ p->flags) & VOICEQOS_FLOW_F_RTCP)) {
		if (p->flags & VOICEQOS_FLOW_F_RTCP)
			flow->rtcp = old->rtcp;
		else
			flow->rtp = old->rtp;
	}
	atomic64_set(&flow->police.tat, atomic64_read(&old->police.tat));

	err = rhashtable_replace_fast(&vn->flows, &old->node, &flow->node,
				      vqos_flow_rht_params);
	if (err) {
		kmem_cache_free(vqos_flow_cache, flow);
		NL_SET_ERR_MSG(extack, "voiceqos: cannot replace the flow");
		return err;
	}
	list_replace(&old->list, &flow->list);
	vn->gen++;
	call_rcu(&old->rcu, vqos_flow_free_rcu);
	return 0;
}

/**
 * vqos_flow_new - create a flow, or reconfigure the one with the same key
 * @vn: namespace state
 * @key: the key as userspace gave it (a wildcard key may carry a partial
 *       source, which is moved out of the hashed key here)
 * @p: parameters
 * @excl: fail with -EEXIST rather than replace
 * @extack: for the reason of a failure
 */
int vqos_flow_new(struct vqos_net *vn, const struct vqos_flow_key *key,
		  const struct vqos_flow_params *p, bool excl,
		  struct netlink_ext_ack *extack)
{
	struct vqos_flow_key hkey = *key;
	bool wild = vqos_flow_key_is_wild(key);
	struct vqos_flow *flow;
	int err = 0;

	if (wild) {
		memset(&hkey.src, 0, sizeof(hkey.src));
		hkey.sport = 0;
	}

	mutex_lock(&vn->lock);
	flow = rhashtable_lookup_fast(&vn->flows, &hkey, vqos_flow_rht_params);
	if (flow) {
		if (excl) {
			NL_SET_ERR_MSG(extack, "voiceqos: flow exists");
			err = -EEXIST;
		} else if (wild && !vqos_flow_same_source(flow, &key->src, key->sport)) {
			err = vqos_flow_respawn(vn, flow, p, &key->src, key->sport, extack);
		} else {
			vqos_flow_set_params(flow, p);
			vn->gen++;
		}
		goto out;
	}

	if (vn->n_flows >= READ_ONCE(vqos_max_flows)) {
		NL_SET_ERR_MSG(extack, "voiceqos: flow table full (module parameter max_flows)");
		err = -ENOSPC;
		goto out;
	}
	flow = vqos_flow_alloc(&hkey, p);
	if (!flow) {
		NL_SET_ERR_MSG(extack, "voiceqos: out of memory for the flow");
		err = -ENOMEM;
		goto out;
	}
	if (wild)
		vqos_flow_set_source(flow, &key->src, key->sport);
	/* The port first: a packet that sees the flow must not be filtered out. */
	err = vqos_flow_port_get(vn, hkey.dport);
	if (err) {
		kmem_cache_free(vqos_flow_cache, flow);
		NL_SET_ERR_MSG(extack, "voiceqos: out of memory for the port filter");
		goto out;
	}
	err = rhashtable_insert_fast(&vn->flows, &flow->node, vqos_flow_rht_params);
	if (err) {
		vqos_flow_port_put(vn, hkey.dport);
		kmem_cache_free(vqos_flow_cache, flow);
		NL_SET_ERR_MSG(extack, "voiceqos: cannot insert the flow");
		goto out;
	}
	list_add_tail(&flow->list, &vn->flow_list);
	WRITE_ONCE(vn->n_flows, vn->n_flows + 1);
	if (wild)
		WRITE_ONCE(vn->n_wild, vn->n_wild + 1);
	vn->gen++;
	queue_delayed_work(system_power_efficient_wq, &vn->gc_work,
			   VQOS_GC_INTERVAL);
out:
	mutex_unlock(&vn->lock);
	return err;
}

/* Under vn->lock, so the flow cannot go away while the caller uses it. */
struct vqos_flow *vqos_flow_find_locked(struct vqos_net *vn,
					const struct vqos_flow_key *key)
{
	struct vqos_flow_key hkey = *key;
	struct vqos_flow *flow;

	lockdep_assert_held(&vn->lock);
	if (vqos_flow_key_is_wild(key)) {
		memset(&hkey.src, 0, sizeof(hkey.src));
		hkey.sport = 0;
	}
	flow = rhashtable_lookup_fast(&vn->flows, &hkey, vqos_flow_rht_params);
	if (flow && vqos_flow_key_is_wild(key) &&
	    !vqos_flow_same_source(flow, &key->src, key->sport))
		return NULL;
	return flow;
}

int vqos_flow_del(struct vqos_net *vn, const struct vqos_flow_key *key)
{
	struct vqos_flow *flow;
	int err = -ENOENT;

	mutex_lock(&vn->lock);
	flow = vqos_flow_find_locked(vn, key);
	if (flow) {
		vqos_flow_unlink(vn, flow);
		err = 0;
	}
	mutex_unlock(&vn->lock);
	return err;
}

int vqos_flow_del_cookie(struct vqos_net *vn, u64 cookie)
{
	struct vqos_flow *flow, *tmp;
	int err = -ENOENT;

	mutex_lock(&vn->lock);
	list_for_each_entry_safe(flow, tmp, &vn->flow_list, list) {
		if (flow->p.cookie != cookie)
			continue;
		vqos_flow_unlink(vn, flow);
		err = 0;
	}
	mutex_unlock(&vn->lock);
	return err;
}

void vqos_flow_flush(struct vqos_net *vn)
{
	struct vqos_flow *flow, *tmp;

	mutex_lock(&vn->lock);
	list_for_each_entry_safe(flow, tmp, &vn->flow_list, list) {
		vqos_flow_unlink(vn, flow);
		cond_resched();
	}
	mutex_unlock(&vn->lock);
}

static void vqos_flow_gc_work(struct work_struct *work)
{
	struct vqos_net *vn = container_of(to_delayed_work(work),
					   struct vqos_net, gc_work);
	struct vqos_flow *flow, *tmp;
	unsigned long now = jiffies;

	mutex_lock(&vn->lock);
	list_for_each_entry_safe(flow, tmp, &vn->flow_list, list) {
		if (!vqos_flow_idle(READ_ONCE(flow->last_seen), now,
				    (unsigned long)flow->p.timeout * HZ))
			continue;
		/* Unhash first so that the counters reported are final. */
		rhashtable_remove_fast(&vn->flows, &flow->node, vqos_flow_rht_params);
		vqos_netlink_notify_expired(vn, flow);
		vqos_flow_forget(vn, flow);
		atomic64_inc(&vn->expired);
		cond_resched();
	}
	if (vn->n_flows)
		queue_delayed_work(system_power_efficient_wq, &vn->gc_work,
				   VQOS_GC_INTERVAL);
	mutex_unlock(&vn->lock);
}

/**
 * vqos_flow_account - RTP or RTCP statistics for one packet of a flow
 * @flow: the flow
 * @payload: start of the UDP payload
 * @len: bytes at @payload (at most VQOS_RTCP_PARSE_LEN are needed)
 * @total: the UDP payload length
 * @now_ns: arrival time
 *
 * The RTP and RTCP states are machines that only one CPU may advance at a
 * time. Packets of one stream rarely meet on two CPUs; when they do, the
 * second one skips the state update instead of waiting for the first, so the
 * packet path never spins.
 */
void vqos_flow_account(struct vqos_flow *flow, const u8 *payload,
		       unsigned int len, unsigned int total, u64 now_ns)
{
	struct vqos_rtcp_report report;
	struct vqos_rtp_hdr hdr;
	bool rtcp;

	rtcp = READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP;
	if (rtcp ? !vqos_rtcp_parse(payload, len, total, &report) :
		   !vqos_rtp_parse(payload, len, &hdr))
		return;
	if (test_and_set_bit_lock(VQOS_FLOW_RTP_BUSY, &flow->state))
		return;
	/* The flag may have changed since: then the state is not ours to touch. */
	if (rtcp == !!(READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP)) {
		if (rtcp) {
			vqos_rtcp_update(&flow->rtcp, &report, (u32)jiffies);
		} else {
			u32 clock_rate = READ_ONCE(flow->p.clock_rate);

			vqos_rtp_update(&flow->rtp, &hdr, clock_rate, clock_rate ?
					vqos_rtp_arrival(now_ns, clock_rate) : 0);
		}
	}
	clear_bit_unlock(VQOS_FLOW_RTP_BUSY, &flow->state);
}

int vqos_flow_table_init(struct vqos_net *vn)
{
	INIT_LIST_HEAD(&vn->flow_list);
	mutex_init(&vn->lock);
	INIT_DEFERRABLE_WORK(&vn->gc_work, vqos_flow_gc_work);
	return rhashtable_init(&vn->flows, &vqos_flow_rht_params);
}

void vqos_flow_table_uninit(struct vqos_net *vn)
{
	cancel_delayed_work_sync(&vn->gc_work);
	vqos_flow_flush(vn);
	rhashtable_destroy(&vn->flows);
	/* The hooks are gone (or were never there): nobody reads the filter. */
	kvfree(rcu_dereference_protected(vn->dport_refs, true));
}

int __init vqos_flow_init(void)
{
	vqos_flow_cache = KMEM_CACHE(vqos_flow, 0);
	return vqos_flow_cache ? 0 : -ENOMEM;
}

void vqos_flow_uninit(void)
{
	/* Flows are freed from RCU callbacks queued by the namespaces' exit. */
	rcu_barrier();
	kmem_cache_destroy(vqos_flow_cache);
}
